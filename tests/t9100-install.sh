#!/bin/sh
# t9100-install.sh: make install and make uninstall, with PREFIX and DESTDIR.

test_description='install puts everything where it belongs; uninstall takes it away'
. "$(dirname "$0")/lib.sh"

# The files make install must put under $DESTDIR$PREFIX.
cat >expect-files <<'LIST'
bin/ms
bin/mschat
bin/msummarize
bin/mtranslate
share/bash-completion/completions/ms
share/bash-completion/completions/mschat
share/bash-completion/completions/msummarize
share/bash-completion/completions/mtranslate
share/fish/vendor_completions.d/ms.fish
share/fish/vendor_completions.d/mschat.fish
share/fish/vendor_completions.d/msummarize.fish
share/fish/vendor_completions.d/mtranslate.fish
share/man/man1/ms.1
share/man/man1/mschat.1
share/man/man1/msummarize.1
share/man/man1/mtranslate.1
share/man/man5/ms-config.5
share/man/man5/ms-template.5
share/zsh/site-functions/_ms
LIST

install_into () {
	make -s -C "$MS_SRCDIR" B="$MS_BUILD" DESTDIR="$1" PREFIX="$2" \
		install >install.log 2>&1
}

test_expect_success 'make install with DESTDIR and PREFIX' '
	install_into "$PWD/root" /opt/ms &&
	(cd root/opt/ms && find . ! -type d | sed "s|^\./||" | sort) >actual &&
	test_cmp expect-files actual &&
	test -x root/opt/ms/bin/ms &&
	test "$(readlink root/opt/ms/bin/mtranslate)" = ms &&
	! test -e root/usr
'

test_expect_success 'the installed tools run, by each of their names' '
	root/opt/ms/bin/ms --version >actual &&
	echo "ms $(ms --version | cut -d" " -f2)" >expect &&
	test_cmp expect actual &&
	mock_start echo-upper &&
	printf "hallo\n" | OPENROUTER_API_KEY=sk-test \
		root/opt/ms/bin/mtranslate --base-url "$MOCK_URL" de >actual &&
	echo HALLO >expect &&
	test_cmp expect actual &&
	printf "hi\n" | OPENROUTER_API_KEY=sk-test \
		root/opt/ms/bin/mschat --base-url "$MOCK_URL" >actual &&
	echo HI >expect &&
	test_cmp expect actual
'

test_expect_success 'man -l renders every installed page' '
	for page in root/opt/ms/share/man/man1/*.1 root/opt/ms/share/man/man5/*.5
	do
		MANWIDTH=80 man -l "$page" >out 2>err </dev/null &&
		test_grep "SYNOPSIS\|DESCRIPTION" out &&
		test_cmp /dev/null err || return 1
	done
'

test_expect_success 'the installed bash completion loads by a tool name' '
	bash -c ". root/opt/ms/share/bash-completion/completions/mtranslate &&
		complete -p mtranslate" >out &&
	test_grep "mtranslate" out
'

test_expect_success 'make uninstall leaves nothing behind' '
	make -s -C "$MS_SRCDIR" B="$MS_BUILD" DESTDIR="$PWD/root" \
		PREFIX=/opt/ms uninstall >log 2>&1 &&
	find root ! -type d >left &&
	test_cmp /dev/null left
'

test_expect_success 'PREFIX defaults to /usr/local' '
	install_into "$PWD/r2" "" &&
	make -s -C "$MS_SRCDIR" -p -n B="$MS_BUILD" install 2>/dev/null |
		grep "^PREFIX" >prefix &&
	test_grep "/usr/local" prefix
'

test_done

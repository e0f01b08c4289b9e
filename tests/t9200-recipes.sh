#!/bin/sh
# t9200-recipes.sh: the recipes the README gives, run for real: the git hook, vim filters.

test_description='the README recipes work as printed'
. "$(dirname "$0")/lib.sh"

README=$MS_SRCDIR/README.md

make_repo () {
	GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester \
	GIT_AUTHOR_EMAIL=tester@example.org GIT_COMMITTER_NAME=Tester \
	GIT_COMMITTER_EMAIL=tester@example.org GIT_AUTHOR_DATE=1700000000 \
	GIT_COMMITTER_DATE=1700000000
	export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
		GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE \
		GIT_COMMITTER_DATE
	git init -q "$1" &&
	(
		cd "$1" &&
		echo "hello, world" >hello.txt &&
		git add hello.txt
	)
}

# The hook as README.md prints it: the sh block after "prepare-commit-msg".
readme_hook () {
	awk '/prepare-commit-msg/ { seen = 1 }
		seen && on && /^```/ { exit }
		seen && on { print }
		seen && /^```sh/ { on = 1 }' "$README"
}

test_expect_success 'the README hook is there' '
	readme_hook >hook &&
	test_grep "^#!/bin/sh" hook &&
	test_grep "mschat" hook
'

test_expect_success 'README hook: the commit gets the message from the diff' '
	mock_start t1-commit-message &&
	make_repo ok &&
	readme_hook >ok/.git/hooks/prepare-commit-msg &&
	chmod +x ok/.git/hooks/prepare-commit-msg &&
	(
		cd ok &&
		MS_BASE_URL=$MOCK_URL MS_PROFILE=ollama GIT_EDITOR=true \
			git commit -q >../out 2>../err &&
		git log -1 --format=%s >../subject
	) &&
	test_cmp /dev/null err &&
	test -s subject &&
	test "$(mock_count)" = 1 &&
	mock_req 1 body.messages.1.content >sent &&
	test_grep "hello, world" sent
'

test_expect_success 'README hook: with the server failing, the commit goes on with the user message and one line on stderr' '
	mock_start http-503-mistral &&
	make_repo bad &&
	readme_hook >bad/.git/hooks/prepare-commit-msg &&
	chmod +x bad/.git/hooks/prepare-commit-msg &&
	(
		cd bad &&
		printf "#!/bin/sh\nprintf \"my own message\\\\n\" >\"\$1\"\n" >editor &&
		chmod +x editor &&
		MS_BASE_URL=$MOCK_URL MS_PROFILE=ollama GIT_EDITOR=./editor \
			git commit -q >../out 2>../err &&
		git log -1 --format=%s >../msg
	) &&
	echo "my own message" >expect &&
	test_cmp expect msg &&
	test_line_count = 1 err &&
	test_grep "prepare-commit-msg" err
'

test_expect_success 'README hook: a message given with -m is left alone' '
	mock_start t1-commit-message &&
	make_repo given &&
	readme_hook >given/.git/hooks/prepare-commit-msg &&
	chmod +x given/.git/hooks/prepare-commit-msg &&
	(
		cd given &&
		MS_BASE_URL=$MOCK_URL MS_PROFILE=ollama \
			git commit -q -m "by hand" &&
		git log -1 --format=%s >../msg
	) &&
	echo "by hand" >expect &&
	test_cmp expect msg &&
	test "$(mock_count)" = 0
'

if command -v vim >/dev/null 2>&1; then
	test_expect_success 'vim: the README visual-range msummarize filter replaces the lines' '
		mock_start t2-short &&
		printf "keep 1\nsum a\nsum b\nkeep 2\n" >file &&
		MS_BASE_URL=$MOCK_URL MS_PROFILE=ollama \
			vim -u NONE -es -c "2,3!msummarize -k -F bullets" \
			-c wq file </dev/null &&
		printf "keep 1\nShort summary.\nkeep 2\n" >expect &&
		test_cmp expect file &&
		mock_req 1 body.messages.0.content >sys &&
		test_grep "bullet" sys
	'

	test_expect_success 'vim: the README msummarize filter with -k keeps the lines on failure' '
		mock_start http-503-mistral &&
		printf "keep 1\nsum a\nsum b\nkeep 2\n" >file &&
		cp file expect &&
		MS_BASE_URL=$MOCK_URL MS_PROFILE=ollama \
			vim -u NONE -es -c "set shellredir=>" \
			-c "2,3!msummarize -k --retries 0 -F bullets" \
			-c wq file </dev/null 2>/dev/null;
		test_cmp expect file
	'
else
	test_skip 'vim recipes' 'vim is not installed'
fi

test_done

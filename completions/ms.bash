# ms.bash: bash completion for ms, mschat, msummarize and mtranslate.
#
# Install it as /usr/share/bash-completion/completions/ms, with links
# named mschat, msummarize and mtranslate, or source it from ~/.bashrc.
# A template run as a tool through a link (msfoo -> ms) completes the
# common options after "complete -F _ms msfoo".

_ms_common_short='-m -P -s -T -D -j -k -n -u -v -q -h -V'
_ms_common_long='--model --profile --base-url --system --template --var
	--temperature --top-p --max-tokens --seed --stop --fallback --jobs
	--no-stream --keep-on-error --raw --dry-run --usage --verbose --quiet
	--timeout --connect-timeout --idle-timeout --retries --context
	--help --version'
_ms_summarize_opts='-l --length -F --format -L --lang --focus'
_ms_translate_opts='-f --from -t --to'
_ms_tokens_opts='-P --profile -m --model -v --verbose -q --quiet -h --help'
_ms_langs='ar bg bn ca cs cy da de el en en-GB en-US es et eu fa fi fr ga gl
	he hi hr hu id is it ja ko lt lv ms mt nb nl no pl pt pt-BR pt-PT ro ru
	sk sl sr sv sw ta th tl tr uk ur vi zh zh-CN zh-TW'

# Whether option $1 takes its argument from the next word.
_ms_takes_arg()
{
	case $1 in
	-m|--model|-P|--profile|--base-url|-s|--system|-T|--template|\
	-D|--var|--temperature|--top-p|--max-tokens|--seed|--stop|\
	--fallback|-j|--jobs|--timeout|--connect-timeout|--idle-timeout|\
	--retries|--context|-l|--length|-F|--format|-L|--lang|--focus|\
	-f|--from|-t|--to|--show-template)
		return 0 ;;
	esac
	return 1
}

# The ms binary: the sibling of the command being completed when it was
# given with a directory (build/mschat), else the one in PATH.
_ms_bin()
{
	local cmd=$1
	if [[ $cmd == */* && -x ${cmd%/*}/ms ]]; then
		printf '%s\n' "${cmd%/*}/ms"
	else
		printf '%s\n' ms
	fi
}

_ms_profiles()
{
	local conf=${MS_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/ms/config}
	printf '%s\n' openrouter mistral ollama llamacpp
	[[ -r $conf ]] || return 0
	sed -n 's/^[[:blank:]]*\[profile[[:blank:]]\{1,\}\([^]]*[^][:blank:]]\)[[:blank:]]*\].*/\1/p' \
	    "$conf" 2>/dev/null
}

# Names from "ms --list": tools and templates.
_ms_list()
{
	"$(_ms_bin "$1")" --list 2>/dev/null | cut -f1
}

# Fill COMPREPLY with the words of $1 (newline-separated) matching $2.
_ms_reply()
{
	local IFS=$' \t\n'
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

_ms_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$1"))
}

# Complete the argument of option $1, the word being $2, for command $3.
_ms_optarg()
{
	local opt=$1 cur=$2 cmd=$3
	case $opt in
	-P|--profile)
		# One name a line: a profile name may hold a blank.
		local IFS=$'\n' name
		for name in $(compgen -W "$(_ms_profiles | sort -u)" -- "$cur"); do
			COMPREPLY+=("$(printf '%q' "$name")")
		done ;;
	-T|--template)
		_ms_reply "$(_ms_list "$cmd")" "$cur"
		local IFS=$'\n'
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$cur")) ;;
	--show-template)
		_ms_reply "$(_ms_list "$cmd")" "$cur" ;;
	-F|--format)
		_ms_reply "paragraph bullets oneline" "$cur" ;;
	-l|--length)
		_ms_reply "short medium long" "$cur" ;;
	-L|--lang|-f|--from|-t|--to)
		_ms_reply "$_ms_langs" "$cur" ;;
	-j|--jobs)
		_ms_reply "1 2 4 8 16" "$cur" ;;
	*)
		COMPREPLY=() ;;
	esac
}

_ms()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local cmd=${COMP_WORDS[0]} tool i w first=1 opts prevopt=
	local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}")
	COMPREPLY=()

	# "--opt=value" arrives as "--opt" "=" "value" when '=' is in
	# COMP_WORDBREAKS, and as one word otherwise.
	if [[ $cur == = ]]; then
		prevopt=${COMP_WORDS[COMP_CWORD-1]}
		cur=
		unset 'words[${#words[@]}-1]'
	elif (( COMP_CWORD >= 2 )) && [[ ${COMP_WORDS[COMP_CWORD-1]} == = ]]; then
		prevopt=${COMP_WORDS[COMP_CWORD-2]}
		unset 'words[${#words[@]}-1]'
	elif [[ $cur == --*=* ]]; then
		prevopt=${cur%%=*}
		cur=${cur#*=}
	fi

	case ${cmd##*/} in
	mschat)		tool=chat ;;
	msummarize)	tool=summarize ;;
	mtranslate)	tool=translate ;;
	ms)		tool= ;;
	*)		tool=template ;;
	esac

	# For ms, the first word that is not an option picks the tool.
	if [[ -z $tool ]]; then
		for ((i = 1; i < ${#words[@]}; i++)); do
			w=${words[i]}
			case $w in
			--show-template)
				((i++)) ;;
			-*)	;;
			*)
				case $w in
				chat|summarize|translate|tokens) tool=$w ;;
				*) tool=template ;;
				esac
				first=$((i + 1))
				break ;;
			esac
		done
		if [[ -z $tool ]]; then
			if [[ ${words[${#words[@]}-1]} == --show-template ]]; then
				_ms_reply "$(_ms_list "$cmd")" "$cur"
			elif [[ $cur == -* ]]; then
				_ms_reply "--list --show-template -h --help -V --version" "$cur"
			else
				_ms_reply "$(_ms_list "$cmd") tokens" "$cur"
			fi
			return 0
		fi
	fi

	# The argument of an option.
	if [[ -n $prevopt ]]; then
		_ms_optarg "$prevopt" "$cur" "$cmd"
		return 0
	fi
	if (( ${#words[@]} > first )); then
		w=${words[${#words[@]}-1]}
		if _ms_takes_arg "$w"; then
			_ms_optarg "$w" "$cur" "$cmd"
			return 0
		fi
	fi

	# Count the operands before the word being completed.
	local noperands=0 gotto= dashdash=
	for ((i = first; i < ${#words[@]}; i++)); do
		w=${words[i]}
		if [[ -n $dashdash ]]; then
			((noperands++))
			continue
		fi
		case $w in
		--)		dashdash=1 ;;
		-t|--to|--to=*)	gotto=1
				[[ $w == -t || $w == --to ]] && ((i++)) ;;
		--*=*)		;;
		-?*)		_ms_takes_arg "$w" && ((i++)) ;;
		*)		((noperands++)) ;;
		esac
	done

	if [[ $cur == -* && -z $dashdash ]]; then
		opts="$_ms_common_short $_ms_common_long"
		case $tool in
		summarize)	opts="$opts $_ms_summarize_opts" ;;
		translate)	opts="$opts $_ms_translate_opts" ;;
		tokens)		opts=$_ms_tokens_opts ;;
		esac
		local IFS=$' \t\n'
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi

	case $tool in
	summarize|tokens)
		_ms_files "$cur" ;;
	translate)
		if [[ -z $gotto ]] && (( noperands == 0 )); then
			_ms_reply "$_ms_langs" "$cur"
		else
			_ms_files "$cur"
		fi ;;
	*)
		# PROMPT words: nothing to offer.
		COMPREPLY=() ;;
	esac
	return 0
}

complete -F _ms ms mschat msummarize mtranslate

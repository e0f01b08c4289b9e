# ms.fish: fish completion for ms, mschat, msummarize and mtranslate.
#
# Install it as ms.fish, mschat.fish, msummarize.fish and mtranslate.fish
# in a directory of $fish_complete_path (copies or links), or source it
# from config.fish.

# The ms binary: the sibling of the command being completed when it was
# given with a directory (build/mschat), else the one in PATH.
function __ms_bin
    set -l cmd (commandline -opc)[1]
    if string match -q -- '*/*' $cmd; and test -x (dirname -- $cmd)/ms
        echo (dirname -- $cmd)/ms
    else
        echo ms
    end
end

function __ms_profiles
    printf '%s\tbuilt-in profile\n' openrouter mistral ollama llamacpp
    set -l conf $MS_CONFIG
    if test -z "$conf"
        set -l base $XDG_CONFIG_HOME
        test -n "$base"; or set base $HOME/.config
        set conf $base/ms/config
    end
    test -r "$conf"; or return 0
    sed -n 's/^[[:blank:]]*\[profile[[:blank:]]\{1,\}\([^]]*[^][:blank:]]\)[[:blank:]]*\].*/\1\tprofile in config/p' \
        $conf 2>/dev/null
end

# Tools and templates from "ms --list", with their kind and source.
function __ms_templates
    set -l ms (__ms_bin)
    $ms --list 2>/dev/null |
        string replace -r '^([^\t]*)\t([^\t]*)\t(.*)$' '$1\t$2, $3'
end

function __ms_langs
    printf '%s\n' \
        'ar	Arabic' 'bg	Bulgarian' 'bn	Bengali' 'ca	Catalan' \
        'cs	Czech' 'cy	Welsh' 'da	Danish' 'de	German' 'el	Greek' \
        'en	English' 'en-GB	English (British)' \
        'en-US	English (American)' 'es	Spanish' 'et	Estonian' \
        'eu	Basque' 'fa	Persian' 'fi	Finnish' 'fr	French' 'ga	Irish' \
        'gl	Galician' 'he	Hebrew' 'hi	Hindi' 'hr	Croatian' \
        'hu	Hungarian' 'id	Indonesian' 'is	Icelandic' 'it	Italian' \
        'ja	Japanese' 'ko	Korean' 'lt	Lithuanian' 'lv	Latvian' \
        'ms	Malay' 'mt	Maltese' 'nb	Norwegian Bokmål' 'nl	Dutch' \
        'no	Norwegian' 'pl	Polish' 'pt	Portuguese' \
        'pt-BR	Portuguese (Brazil)' 'pt-PT	Portuguese (Portugal)' \
        'ro	Romanian' 'ru	Russian' 'sk	Slovak' 'sl	Slovenian' \
        'sr	Serbian' 'sv	Swedish' 'sw	Swahili' 'ta	Tamil' 'th	Thai' \
        'tl	Tagalog' 'tr	Turkish' 'uk	Ukrainian' 'ur	Urdu' \
        'vi	Vietnamese' 'zh	Chinese' 'zh-CN	Chinese (Simplified)' \
        'zh-TW	Chinese (Traditional)'
end

# Whether option $argv[1] takes its argument from the next word.
function __ms_takes_arg
    contains -- $argv[1] -m --model -P --profile --base-url -s --system \
        -T --template -D --var --temperature --top-p --max-tokens --seed \
        --stop --fallback -j --jobs --timeout --connect-timeout \
        --idle-timeout --retries --context -l --length -F --format \
        -L --lang --focus -f --from -t --to --show-template
end

# The tool of the command line: chat, summarize, translate, tokens,
# template (a user template run as a tool), or nothing for "ms" before its first word.
function __ms_tool
    set -l words (commandline -opc)
    switch (basename -- $words[1])
        case mschat
            echo chat
            return
        case msummarize
            echo summarize
            return
        case mtranslate
            echo translate
            return
        case ms
        case '*'
            echo template
            return
    end
    set -l skip 0
    for w in $words[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --show-template
                set skip 1
            case '-*'
            case chat summarize translate tokens
                echo $w
                return
            case '*'
                echo template
                return
        end
    end
end

function __ms_is
    contains -- (__ms_tool) $argv
end

function __ms_no_tool
    set -l tool (__ms_tool)
    test -z "$tool"
end

# True when the word being completed is mtranslate's TO operand: no
# -t/--to and no operand before it.
function __ms_wants_to
    __ms_is translate; or return 1
    set -l words (commandline -opc)
    set -l start 2
    if test (basename -- $words[1]) = ms
        # Skip up to the tool word.
        set start (math (contains -i -- translate $words) + 1)
    end
    set -l skip 0
    for w in $words[$start..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case -t --to '--to=*' '-t?*'
                return 1
            case --
                return 1
            case '--*=*'
            case '-?*'
                __ms_takes_arg $w; and set skip 1
            case '*'
                return 1
        end
    end
    return 0
end

# Options common to every tool; $argv[1] is the command, $argv[2] the
# condition under which they apply.
function __ms_common -a cmd cond
    complete -c $cmd -n $cond -s m -l model -x -d 'Model id'
    complete -c $cmd -n $cond -s P -l profile -x -a '(__ms_profiles)' -d 'Provider profile'
    complete -c $cmd -n $cond -l base-url -x -d 'OpenAI-compatible endpoint ending in /v1'
    complete -c $cmd -n $cond -s s -l system -x -d "Replace the template's system prompt"
    complete -c $cmd -n $cond -s T -l template -r -F -a '(__ms_templates)' -d 'Use another template'
    complete -c $cmd -n $cond -s D -l var -x -d 'Set a template variable NAME=VALUE'
    complete -c $cmd -n $cond -l temperature -x -d 'Sampling temperature, 0 to 2'
    complete -c $cmd -n $cond -l top-p -x -d 'Nucleus sampling, 0 to 1'
    complete -c $cmd -n $cond -l max-tokens -x -d 'Longest answer in tokens'
    complete -c $cmd -n $cond -l seed -x -d 'Seed for sampling'
    complete -c $cmd -n $cond -l stop -x -d 'Stop the answer before this string'
    complete -c $cmd -n $cond -l fallback -x -d "Fallback model (OpenRouter's models list)"
    complete -c $cmd -n $cond -s j -l jobs -x -a '1 2 4 8 16' -d 'Requests in flight for chunked input'
    complete -c $cmd -n $cond -l no-stream -d 'Wait for the whole answer, then print it'
    complete -c $cmd -n $cond -s k -l keep-on-error -d 'On failure, copy the input unchanged to the output'
    complete -c $cmd -n $cond -l raw -d 'Print the answer exactly as the model wrote it'
    complete -c $cmd -n $cond -s n -l dry-run -d 'Print the request body as JSON and send nothing'
    complete -c $cmd -n $cond -s u -l usage -d 'Print tokens and cost on stderr at the end'
    complete -c $cmd -n $cond -s v -l verbose -d 'Print URL, model, status, timings and retries on stderr'
    complete -c $cmd -n $cond -s q -l quiet -d 'Print no progress or warnings'
    complete -c $cmd -n $cond -l timeout -x -d 'Total limit of a request in seconds'
    complete -c $cmd -n $cond -l connect-timeout -x -d 'Limit to connect in seconds'
    complete -c $cmd -n $cond -l idle-timeout -x -d 'Longest wait for a byte in seconds'
    complete -c $cmd -n $cond -l retries -x -d 'Retries of a failed request'
    complete -c $cmd -n $cond -l context -x -d 'Model context in tokens'
    complete -c $cmd -n $cond -s h -l help -d 'Print usage and exit'
    complete -c $cmd -n $cond -s V -l version -d 'Print the version and exit'
end

function __ms_summarize -a cmd cond
    complete -c $cmd -n $cond -s l -l length -x -a 'short medium long' -d 'Length: short, medium, long or N words'
    complete -c $cmd -n $cond -s F -l format -x -a 'paragraph bullets oneline' -d 'Form of the summary'
    complete -c $cmd -n $cond -s L -l lang -x -a '(__ms_langs)' -d 'Language of the summary'
    complete -c $cmd -n $cond -l focus -x -d 'What the summary gives most room to'
end

function __ms_translate -a cmd cond
    complete -c $cmd -n $cond -s f -l from -x -a '(__ms_langs)' -d 'Language of the input'
    complete -c $cmd -n $cond -s t -l to -x -a '(__ms_langs)' -d 'Language to translate into'
    complete -c $cmd -n "$cond; and __ms_wants_to" -f -a '(__ms_langs)'
end

# mschat: PROMPT words, no files.
complete -c mschat -f
__ms_common mschat true

# msummarize: FILE operands.
__ms_common msummarize true
__ms_summarize msummarize true

# mtranslate: TO, then FILE operands.
__ms_common mtranslate true
__ms_translate mtranslate true

# ms TOOL|TEMPLATE [options] [ARG ...]
complete -c ms -n __ms_no_tool -f -a '(__ms_templates)'
complete -c ms -n __ms_no_tool -f -a tokens -d 'Count the tokens of the input'
complete -c ms -n __ms_no_tool -l list -d 'List the tools and templates'
complete -c ms -n __ms_no_tool -l show-template -x -a '(__ms_templates)' -d 'Print a template'
complete -c ms -n __ms_no_tool -s h -l help -d 'Print usage and exit'
complete -c ms -n __ms_no_tool -s V -l version -d 'Print the version and exit'
complete -c ms -n '__ms_is chat template' -f
__ms_common ms 'not __ms_no_tool; and not __ms_is tokens'
# ms tokens [-qv] [-P PROFILE] [-m MODEL] [FILE ...]
complete -c ms -n '__ms_is tokens' -s P -l profile -x -a '(__ms_profiles)' -d 'Provider profile'
complete -c ms -n '__ms_is tokens' -s m -l model -x -d 'Model id'
complete -c ms -n '__ms_is tokens' -s v -l verbose -d 'How tokens are counted, the estimate and the cost'
complete -c ms -n '__ms_is tokens' -s q -l quiet -d 'Print no message but errors'
complete -c ms -n '__ms_is tokens' -s h -l help -d 'Print usage and exit'
__ms_summarize ms '__ms_is summarize'
__ms_translate ms '__ms_is translate'

functions -e __ms_common __ms_summarize __ms_translate

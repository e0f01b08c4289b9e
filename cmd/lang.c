/* lang.c: language codes people type, and the names a model reads. */
#include <stdio.h>
#include <strings.h>

#include "lang.h"

/* Codes people type, and the names a model reads without doubt. */
static const char *const langs[][2] = {
	{ "ar", "Arabic" },
	{ "bg", "Bulgarian" },
	{ "ca", "Catalan" },
	{ "cs", "Czech" },
	{ "da", "Danish" },
	{ "de", "German" },
	{ "el", "Greek" },
	{ "en", "English" },
	{ "en-GB", "British English" },
	{ "en-US", "American English" },
	{ "eo", "Esperanto" },
	{ "es", "Spanish" },
	{ "et", "Estonian" },
	{ "eu", "Basque" },
	{ "fa", "Persian" },
	{ "fi", "Finnish" },
	{ "fr", "French" },
	{ "ga", "Irish" },
	{ "gl", "Galician" },
	{ "he", "Hebrew" },
	{ "hi", "Hindi" },
	{ "hr", "Croatian" },
	{ "hu", "Hungarian" },
	{ "id", "Indonesian" },
	{ "is", "Icelandic" },
	{ "it", "Italian" },
	{ "ja", "Japanese" },
	{ "ko", "Korean" },
	{ "lt", "Lithuanian" },
	{ "lv", "Latvian" },
	{ "ms", "Malay" },
	{ "nb", "Norwegian Bokmal" },
	{ "nl", "Dutch" },
	{ "no", "Norwegian" },
	{ "pl", "Polish" },
	{ "pt", "Portuguese" },
	{ "pt-BR", "Brazilian Portuguese" },
	{ "pt-PT", "European Portuguese" },
	{ "ro", "Romanian" },
	{ "ru", "Russian" },
	{ "sk", "Slovak" },
	{ "sl", "Slovenian" },
	{ "sr", "Serbian" },
	{ "sv", "Swedish" },
	{ "sw", "Swahili" },
	{ "th", "Thai" },
	{ "tr", "Turkish" },
	{ "uk", "Ukrainian" },
	{ "ur", "Urdu" },
	{ "vi", "Vietnamese" },
	{ "zh", "Chinese (Simplified)" },
	{ "zh-CN", "Chinese (Simplified)" },
	{ "zh-TW", "Chinese (Traditional)" },
};

const char *
lang_name(const char *s, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strcasecmp(s, langs[i][0]) == 0) {
			snprintf(buf, bufsz, "%s (%s)", langs[i][1], s);
			return buf;
		}
	return s;
}

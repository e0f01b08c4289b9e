/*
 * tokens.c: a conservative estimate of how many tokens a text costs, so
 * that a request is never sent larger than the model's context.
 */
#include "ms.h"

static int
isalpha_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

size_t
ms_tokens_estimate(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, t = 0;

	while (i < len) {
		unsigned char c = s[i];

		if (isalpha_ascii(c)) {
			/* A word: tokenizers cut long words into pieces. */
			for (n = 0; i < len && isalpha_ascii(s[i]); i++, n++)
				;
			t += (n + 1) / 2;
		} else if (c >= '0' && c <= '9') {
			/* Mistral's tokenizers split numbers into digits. */
			t++, i++;
		} else if (c == ' ') {
			/* One space joins the next word; a run of them costs. */
			for (n = 0; i < len && s[i] == ' '; i++, n++)
				;
			if (n > 1)
				t += (n + 3) / 4;
		} else if (c < 0x80) {
			t++, i++;
		} else if (c < 0xE0) {
			t++, i += 2;
		} else if (c < 0xF0) {
			t += 2, i += 3;
		} else {
			t += 4, i += 4;
		}
	}
	return t;
}

/*
 * floor: the least a libcurl client can be, for make bench.  Sends the
 * request body in FILE to URL with libcurl (global init, one easy handle
 * on a multi handle, as ms does) and discards the answer: the peak RSS
 * and the instructions of this program are the floor that linking
 * libcurl sets for any client, ms included.
 *
 * Usage: floor URL FILE
 * The bearer token comes from the environment (MS_API_KEY), never argv.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

int
main(int argc, char *argv[])
{
	static char body[1 << 20], auth[512];
	struct curl_slist *hdr = NULL;
	CURLM *m;
	CURL *h;
	FILE *f;
	size_t len;
	const char *key = getenv("MS_API_KEY");
	int running = 1;
	long status = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: floor URL FILE\n");
		return 64;
	}
	if ((f = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		return 66;
	}
	len = fread(body, 1, sizeof(body), f);
	fclose(f);
	if (len == sizeof(body)) {
		fprintf(stderr, "floor: %s: too long\n", argv[2]);
		return 65;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	    key != NULL ? key : "");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	m = curl_multi_init();
	hdr = curl_slist_append(hdr, auth);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:"); /* as ms: no 100-continue */
	curl_easy_setopt(h, CURLOPT_URL, argv[1]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_multi_add_handle(m, h);
	while (running) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(m, h);
	curl_easy_cleanup(h);
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	return status == 200 ? 0 : 1;
}

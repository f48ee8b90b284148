/* sha256 known vectors, file and folder hashes, the memo */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include "util.h"
#include "hash.h"
#include "check.h"

static int hexof(const char *s, const char *want)
{
	char hex[65];

	sha256sum(s, strlen(s), hex);
	return !strcmp(hex, want);
}

/* sets PATH's mtime to AGO seconds before now */
static void age(const char *path, long ago)
{
	struct timespec ts[2];

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= ago;
	ts[1] = ts[0];
	utimensat(AT_FDCWD, path, ts, 0);
}

static void vectors(void)
{
	struct sha256 c;
	char hex[65], *million = xmalloc(1000000);
	size_t i;

	CHECK(hexof("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(hexof("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(hexof("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	CHECK(hexof("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));
	memset(million, 'a', 1000000);
	sha256sum(million, 1000000, hex);
	CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	/* fed in odd pieces, the same */
	sha256init(&c);
	for (i = 0; i < 1000000; i += 777)
		sha256update(&c, million + i, 1000000 - i < 777 ? 1000000 - i : 777);
	sha256hex(&c, hex);
	CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	/* 55, 56 and 64 bytes: the padding edges */
	CHECK(hexof("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"));
	CHECK(hexof("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"));
	CHECK(hexof("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"));
	free(million);
}

static void files(void)
{
	char a[65], b[65], c[65];
	struct buf list = {0};

	checkwrite("f", "abc");
	CHECK(hashfile("f", a) == 0 && !strcmp(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(hashfile("missing", a) < 0);
	CHECK(hashtree("f", b, NULL) == 0 && !strcmp(a, b));

	mkdirp("d/sub");
	checkwrite("d/one", "1\n");
	checkwrite("d/sub/two", "2\n");
	CHECK(hashtree("d", a, &list) == 0);
	CHECK(strstr(list.s, "f ") == list.s && strstr(list.s, " one\n"));
	CHECK(strstr(list.s, "d - sub\n") && strstr(list.s, " sub/two\n"));
	CHECK(listingfind(list.s, "sub/two", c) == 0);
	sha256sum("2\n", 2, b);
	CHECK(!strcmp(b, c));
	CHECK(listingfind(list.s, "sub", c) < 0 && listingfind(list.s, "two", c) < 0);
	CHECK(hashtree("d", b, NULL) == 0 && !strcmp(a, b));  /* stable */
	chmod("d/one", 0755);
	CHECK(hashtree("d", b, NULL) == 0 && strcmp(a, b));  /* the exec bit counts */
	chmod("d/one", 0644);
	CHECK(hashtree("d", b, NULL) == 0 && !strcmp(a, b));
	rename("d/one", "d/uno");
	CHECK(hashtree("d", b, NULL) == 0 && strcmp(a, b));  /* names count */
	rename("d/uno", "d/one");
	checkwrite("d/sub/two", "3\n");
	CHECK(hashtree("d", b, NULL) == 0 && strcmp(a, b));  /* content counts */
	symlink("one", "d/link");
	CHECK(hashtree("d", c, NULL) == 0 && strcmp(b, c));  /* links count */
	free(list.s);
}

static void memo(void)
{
	char a[65], b[65], old[65];
	struct timespec ts[2];
	struct stat st;

	memoload("state/hashes");
	checkwrite("m", "first\n");
	age("m", 10);
	stat("m", &st);
	CHECK(hashfile("m", old) == 0);
	memosave();
	CHECK(access("state/hashes", F_OK) == 0);
	memoload("state/hashes");
	/* same size and mtime, new content: the memo answers without reading */
	checkwrite("m", "secnd\n");
	ts[0] = ts[1] = st.st_mtim;
	utimensat(AT_FDCWD, "m", ts, 0);
	CHECK(hashfile("m", a) == 0 && !strcmp(a, old));
	/* another mtime: read again */
	ts[1].tv_sec -= 5;
	utimensat(AT_FDCWD, "m", ts, 0);
	CHECK(hashfile("m", b) == 0 && strcmp(b, old));
	sha256sum("secnd\n", 6, a);
	CHECK(!strcmp(a, b));

	/* a file changed just now is not memoized: a second write in the same
	 * timestamp tick would go unseen */
	checkwrite("fresh", "one\n");
	stat("fresh", &st);
	CHECK(hashfile("fresh", a) == 0);
	checkwrite("fresh", "two\n");
	ts[0] = ts[1] = st.st_mtim;
	utimensat(AT_FDCWD, "fresh", ts, 0);
	CHECK(hashfile("fresh", b) == 0 && strcmp(a, b));

	/* memoput trusts the builder's own writes */
	checkwrite("mine", "x\n");
	memoput("mine", "0000000000000000000000000000000000000000000000000000000000000000");
	CHECK(hashfile("mine", a) == 0 && a[0] == '0' && a[63] == '0');
}

int main(void)
{
	checktmp();
	vectors();
	files();
	memo();
	return checkdone();
}

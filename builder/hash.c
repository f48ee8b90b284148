#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "hash.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

void sha256init(struct sha256 *c)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, h0, sizeof h0);
	c->len = 0;
	c->n = 0;
}

void sha256update(struct sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	c->len += n;
	if (c->n) {
		size_t k = 64 - c->n < n ? 64 - c->n : n;
		memcpy(c->blk + c->n, p, k);
		c->n += k, p += k, n -= k;
		if (c->n < 64)
			return;
		compress(c->h, c->blk);
		c->n = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		compress(c->h, p);
	memcpy(c->blk, p, n);
	c->n = n;
}

void sha256hex(struct sha256 *c, char hex[65])
{
	uint64_t bits = c->len * 8;
	unsigned char tail[8];
	int i;

	sha256update(c, "\x80", 1);
	while (c->n != 56)
		sha256update(c, "", 1);
	for (i = 0; i < 8; i++)
		tail[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256update(c, tail, 8);
	for (i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", (unsigned)c->h[i]);
}

void sha256sum(const void *p, size_t n, char hex[65])
{
	struct sha256 c;

	sha256init(&c);
	sha256update(&c, p, n);
	sha256hex(&c, hex);
}

/* A file hashed less than this long after its last change is not memoized:
 * a later write in the same timestamp tick would keep size and mtime. */
#define RACYNSEC 2000000000LL

struct memo {
	char *path;
	unsigned long long dev, ino;
	long long size, mtime;
	char hex[65];
};

static struct memo *memos;
static size_t nmemos, *slots, nslots;  /* slots hold index + 1; 0 is empty */
static char *memofile;
static int memodirty;

static size_t strhash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static size_t *memoslot(const char *path)
{
	size_t i = strhash(path) & (nslots - 1);

	while (slots[i] && strcmp(memos[slots[i] - 1].path, path))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static struct memo *memoget(const char *path)
{
	size_t *s;

	if (!nslots)
		return NULL;
	s = memoslot(path);
	return *s ? &memos[*s - 1] : NULL;
}

static void memoset(const char *path, const struct stat *st, const char *hex)
{
	struct memo *m = memoget(path);
	size_t i;

	if (!m) {
		if (2 * (nmemos + 1) > nslots) {
			free(slots);
			nslots = nslots ? 2 * nslots : 1024;
			slots = xcalloc(nslots, sizeof *slots);
			for (i = 0; i < nmemos; i++)
				*memoslot(memos[i].path) = i + 1;
		}
		memos = xreallocarray(memos, nmemos + 1, sizeof *memos);
		m = &memos[nmemos++];
		m->path = xstrdup(path);
		*memoslot(path) = nmemos;
	}
	m->dev = st->st_dev, m->ino = st->st_ino, m->size = st->st_size;
	m->mtime = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	memcpy(m->hex, hex, 65);
	memodirty = 1;
}

static int memomatch(const struct memo *m, const struct stat *st)
{
	return m->dev == (unsigned long long)st->st_dev && m->ino == (unsigned long long)st->st_ino &&
	       m->size == (long long)st->st_size &&
	       m->mtime == (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

void memoload(const char *file)
{
	char *data, *line, *next, *p;
	struct memo m;
	struct stat st;

	memofile = xstrdup(file);
	data = readfile(file, NULL);
	if (!data)
		return;
	for (line = data; *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			break;
		*next++ = '\0';
		/* DEV INO SIZE MTIME HASH PATH */
		m.dev = strtoull(line, &p, 10);
		m.ino = strtoull(p, &p, 10);
		m.size = strtoll(p, &p, 10);
		m.mtime = strtoll(p, &p, 10);
		if (strlen(p) < 67 || p[0] != ' ' || p[65] != ' ')
			continue;
		memcpy(m.hex, p + 1, 64);
		m.hex[64] = '\0';
		memset(&st, 0, sizeof st);
		st.st_dev = m.dev, st.st_ino = m.ino, st.st_size = m.size;
		st.st_mtim.tv_sec = m.mtime / 1000000000LL;
		st.st_mtim.tv_nsec = m.mtime % 1000000000LL;
		memoset(p + 66, &st, m.hex);
	}
	free(data);
	memodirty = 0;
}

void memosave(void)
{
	struct buf b = {0};
	size_t i;
	char *dir, *slash;

	if (!memofile || !memodirty)
		return;
	bufadd(&b, "", 0);
	for (i = 0; i < nmemos; i++)
		bufprintf(&b, "%llu %llu %lld %lld %s %s\n", memos[i].dev, memos[i].ino,
		          memos[i].size, memos[i].mtime, memos[i].hex, memos[i].path);
	dir = xstrdup(memofile);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if ((slash && mkdirp(dir) < 0) || writefile(memofile, b.s, b.len) < 0)
		syswarn("unable to write %s", memofile);
	else
		memodirty = 0;
	free(dir);
	free(b.s);
}

void memoput(const char *path, const char *hex)
{
	struct stat st;

	if (!strchr(path, '\n') && stat(path, &st) == 0)
		memoset(path, &st, hex);
}

int hashfile(const char *path, char hex[65])
{
	static unsigned char chunk[1 << 16];
	struct memo *m = memoget(path);
	struct stat st;
	struct sha256 c;
	ssize_t n;
	int fd;

	if (m && stat(path, &st) == 0 && memomatch(m, &st)) {
		memcpy(hex, m->hex, 65);
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	sha256init(&c);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		sha256update(&c, chunk, (size_t)n);
	}
	close(fd);
	sha256hex(&c, hex);
	long long mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	if (memofile && !strchr(path, '\n') && nownsec() - mtime >= RACYNSEC)
		memoset(path, &st, hex);
	return 0;
fail:
	n = errno;
	close(fd);
	errno = (int)n;
	return -1;
}

static int namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, const char *rel, struct buf *list)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, hex[65], target[4096];
	size_t n = 0, i;
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, namecmp);
	for (i = 0; i < n && rc == 0; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *sub = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		struct stat st;
		ssize_t len;

		if (lstat(path, &st) < 0) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			bufprintf(list, "d - %s\n", sub);
			rc = walk(path, sub, list);
		} else if (S_ISREG(st.st_mode)) {
			if ((rc = hashfile(path, hex)) == 0)
				bufprintf(list, "%c %s %s\n", st.st_mode & 0111 ? 'x' : 'f', hex, sub);
		} else if (S_ISLNK(st.st_mode)) {
			len = readlink(path, target, sizeof target);
			if (len < 0)
				rc = -1;
			sha256sum(target, len < 0 ? 0 : (size_t)len, hex);
			bufprintf(list, "l %s %s\n", hex, sub);
		} else {
			bufprintf(list, "o - %s\n", sub);
		}
		free(path);
		free(sub);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int hashtree(const char *path, char hex[65], struct buf *listing)
{
	struct buf own = {0}, *list = listing ? listing : &own;
	struct stat st;
	int rc;

	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return hashfile(path, hex);
	bufadd(list, "", 0);
	rc = walk(path, "", list);
	if (rc == 0)
		sha256sum(list->s, list->len, hex);
	free(own.s);
	return rc;
}

int listingfind(const char *listing, const char *name, char hex[65])
{
	size_t n = strlen(name);
	const char *l;

	for (l = listing; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		if ((l[0] == 'f' || l[0] == 'x') && strlen(l) > 67 &&
		    !strncmp(l + 67, name, n) && (l[67 + n] == '\n' || !l[67 + n])) {
			memcpy(hex, l + 2, 64);
			hex[64] = '\0';
			return 0;
		}
	}
	return -1;
}

/* SHA-256 and content hashes of files and folders. File hashes are kept in a
 * memo keyed by path and checked against dev, inode, size and mtime, so an
 * unchanged input is not read again. Hashes are 64 lowercase hex digits. */

#include <stdint.h>

struct buf;

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char blk[64];
	size_t n;
};

/* starts a hash */
void sha256init(struct sha256 *c);
/* feeds N bytes of P */
void sha256update(struct sha256 *c, const void *p, size_t n);
/* finishes the hash into HEX (65 bytes, NUL-terminated) */
void sha256hex(struct sha256 *c, char hex[65]);
/* the hex hash of N bytes of P */
void sha256sum(const void *p, size_t n, char hex[65]);

/* loads the memo from FILE; a missing or bad file is an empty memo */
void memoload(const char *file);
/* writes the memo back to its file if it changed */
void memosave(void);
/* records that PATH, which the builder has just written, hashes to HEX */
void memoput(const char *path, const char *hex);

/* hash of the content of file PATH (memo first); 0, or -1 with errno */
int hashfile(const char *path, char hex[65]);
/* hash of PATH: a file's content, or for a folder the hash of its listing, a
 * line "TYPE HASH NAME" per entry (f file, x executable, l symlink, d folder);
 * LISTING, when not NULL, receives the listing. 0, or -1 with errno */
int hashtree(const char *path, char hex[65], struct buf *listing);
/* finds file NAME in LISTING and copies its hash to HEX; 0, or -1 if absent */
int listingfind(const char *listing, const char *name, char hex[65]);

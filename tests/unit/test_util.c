/* names, string buffers, folders and atomic file writes */
#include <dirent.h>
#include <sys/stat.h>
#include "util.h"
#include "check.h"

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	struct buf b = {0};
	struct stat st;
	char *s;
	size_t len;
	int i;

	checktmp();
	CHECK(isname("xen-src_2") && !isname("") && !isname("Xen") && !isname("a b") && !isname("a/b"));
	CHECK(isvarname("FLAVOR_2") && isvarname("_x") && !isvarname("2x") && !isvarname("a-b") && !isvarname(""));
	s = envname("PIN_", "xen-src");
	CHECK(!strcmp(s, "PIN_xen_src"));
	free(s);

	for (i = 0; i < 1000; i++)
		bufprintf(&b, "%d,", i);
	CHECK(b.len == strlen(b.s) && !strncmp(b.s, "0,1,2,", 6) && strstr(b.s, ",999,"));
	free(b.s);

	CHECK(mkdirp("a/b/c") == 0 && stat("a/b/c", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(mkdirp("a/b/c") == 0);  /* again: fine */
	checkwrite("a/file", "x");
	CHECK(mkdirp("a/file/d") < 0);
	chmod("a/b", 0500);  /* read-only folders are removed too */
	CHECK(rmrf("a") == 0 && stat("a", &st) < 0);
	CHECK(rmrf("a") == 0);  /* missing is fine */

	/* writefile replaces the file whole and leaves no temporary */
	mkdirp("w");
	CHECK(writefile("w/f", "one\n", 4) == 0);
	CHECK(writefile("w/f", "two!\n", 5) == 0);
	s = readfile("w/f", &len);
	CHECK(s && len == 5 && !strcmp(s, "two!\n"));
	free(s);
	CHECK(entries("w") == 1);
	CHECK(writefile("nodir/f", "x", 1) < 0 && entries(".") == 1);
	CHECK(readfile("nodir/f", NULL) == NULL);
	return checkdone();
}

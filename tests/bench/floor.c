/* The memory floor of a GTK 3 + WebKitGTK 4.1 process, for benchmark part 4 (gui.py): links
 * both libraries like the app does, calls gtk_init and creates nothing, then waits to be ended.
 * Built by run.sh: cc floor.c $(pkg-config --cflags --libs webkit2gtk-4.1 gtk+-3.0). */
#include <gtk/gtk.h>
#include <unistd.h>
#include <webkit2/webkit2.h>

int main(int argc, char **argv) {
    gtk_init(&argc, &argv);
    /* One WebKit call, so the library is linked and loaded as in the app (no web view made). */
    if (webkit_get_major_version() < 2)
        return 1;
    for (;;)
        pause();
}

// zlib (Debian: zlib1g-dev), seen from Swift as the module CZlib: gzip-compressed data files.
// Only the Trainer's data loaders import it.
#include <zlib.h>

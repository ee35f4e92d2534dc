// The C library libyaml (Debian: libyaml-dev), seen from Swift as the module CYAML.
// Only the Config module imports it.
#include <yaml.h>

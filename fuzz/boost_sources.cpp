// Boost.JSON's and Boost.URL's own sources, compiled into each fuzz target with its
// instrumentation: Debian's shared libraries are not, so libFuzzer would see nothing of
// the parsers it feeds. The executable's definitions take the place of the libraries'.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

// What a file is, told by its first bytes (magic numbers), never by its name or the
// Content-Type a client claims. Pure: no I/O, unit-tested in tests/unit/file_type_test.cpp.
//
// Executables (ELF, PE, Mach-O, scripts with #!) are recognised so that they can be
// refused whatever they are called; markup a browser would run (HTML, SVG, XML) is
// recognised so that it is never served inline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace juttu::core {

struct FileType {
    std::string mime;         // "image/png", "application/octet-stream" when unknown
    bool raster = false;      // png, jpeg, gif, webp: decoded, re-encoded and thumbnailed
    bool executable = false;  // never allowed
    bool active = false;      // HTML, SVG, XML: never inline
};

FileType sniff_file_type(std::string_view bytes);

// The types allowed when the configuration names none.
const std::vector<std::string>& default_upload_types();

}  // namespace juttu::core

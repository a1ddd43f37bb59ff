#include "core/file_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace juttu::core {

namespace {

bool starts(std::string_view bytes, std::string_view magic) { return bytes.starts_with(magic); }

bool at(std::string_view bytes, std::size_t offset, std::string_view magic) {
    return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

FileType raster(std::string mime) { return FileType{std::move(mime), true, false, false}; }
FileType plain(std::string mime) { return FileType{std::move(mime), false, false, false}; }
FileType executable(std::string mime) { return FileType{std::move(mime), false, true, false}; }
FileType active(std::string mime) { return FileType{std::move(mime), false, false, true}; }

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Valid UTF-8 without NUL or control characters other than tab, CR, LF and FF.
// `cut`: the sample ends inside the file, so a character may be cut at its end.
bool is_text(std::string_view bytes, bool cut) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') return false;
            if (c == 0x7f) return false;
            ++i;
            continue;
        }
        const std::size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (length == 0 || c > 0xf4) return false;
        if (i + length > bytes.size()) return cut;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(bytes[i + k]) & 0xc0) != 0x80) return false;
        }
        i += length;
    }
    return true;
}

// Markup a browser would run if it were served as a page: looked for near the start, past
// white space and a byte order mark, as browsers sniff it.
bool looks_like_markup(std::string_view bytes) {
    std::string head = lower(bytes.substr(0, 1024));
    if (head.starts_with("\xef\xbb\xbf")) head.erase(0, 3);
    const auto first = head.find_first_not_of(" \t\r\n\f");
    if (first == std::string::npos) return false;
    head.erase(0, first);
    static constexpr std::array<std::string_view, 12> openings{
        "<!doctype", "<html",   "<head", "<body",  "<script", "<svg",
        "<?xml",     "<iframe", "<meta", "<style", "<a ",     "<!--"};
    return std::any_of(openings.begin(), openings.end(),
                       [&](std::string_view opening) { return head.starts_with(opening); });
}

// Office Open XML and OpenDocument are zip files; their first entry names the kind.
FileType zip_kind(std::string_view bytes) {
    const std::string_view head = bytes.substr(0, 4096);
    if (at(bytes, 30, "mimetype")) {
        if (head.find("application/vnd.oasis.opendocument.text") != std::string_view::npos) {
            return plain("application/vnd.oasis.opendocument.text");
        }
        if (head.find("application/vnd.oasis.opendocument.spreadsheet") != std::string_view::npos) {
            return plain("application/vnd.oasis.opendocument.spreadsheet");
        }
    }
    if (head.find("word/") != std::string_view::npos) {
        return plain("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    if (head.find("xl/") != std::string_view::npos) {
        return plain("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    if (head.find("ppt/") != std::string_view::npos) {
        return plain("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    }
    return plain("application/zip");
}

}  // namespace

FileType sniff_file_type(std::string_view bytes) {
    if (starts(bytes, "\x89PNG\r\n\x1a\n")) return raster("image/png");
    if (starts(bytes, "\xff\xd8\xff")) return raster("image/jpeg");
    if (starts(bytes, "GIF87a") || starts(bytes, "GIF89a")) return raster("image/gif");
    if (starts(bytes, "RIFF") && at(bytes, 8, "WEBP")) return raster("image/webp");
    if (starts(bytes, "%PDF-")) return plain("application/pdf");
    if (starts(bytes, "PK\x03\x04")) return zip_kind(bytes);
    if (at(bytes, 4, "ftyp")) {
        if (at(bytes, 8, "qt  ")) return plain("video/quicktime");
        if (at(bytes, 8, "heic") || at(bytes, 8, "mif1")) return plain("image/heic");
        return plain("video/mp4");
    }
    if (starts(bytes, "\x1a\x45\xdf\xa3")) return plain("video/webm");
    if (starts(bytes, "ID3") || starts(bytes, "\xff\xfb")) return plain("audio/mpeg");
    if (starts(bytes, "OggS")) return plain("audio/ogg");
    if (starts(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) return plain("application/msword");
    if (starts(bytes, "\x1f\x8b")) return plain("application/gzip");
    if (starts(bytes, "7z\xbc\xaf\x27\x1c")) return plain("application/x-7z-compressed");

    // Programs, whatever they are called.
    if (starts(bytes,
               "\x7f"
               "ELF"))
        return executable("application/x-executable");
    if (starts(bytes, "MZ")) return executable("application/x-msdownload");
    for (std::string_view macho : {"\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe",
                                   "\xcf\xfa\xed\xfe", "\xca\xfe\xba\xbe"}) {
        if (starts(bytes, macho)) return executable("application/x-mach-binary");
    }
    if (starts(bytes, "#!")) return executable("text/x-shellscript");
    if (starts(bytes, std::string_view("\0asm", 4))) return executable("application/wasm");

    const std::string_view sample = bytes.substr(0, 8192);
    if (!bytes.empty() && is_text(sample, sample.size() < bytes.size())) {
        if (looks_like_markup(sample)) {
            const std::string head = lower(sample.substr(0, 1024));
            if (head.find("<svg") != std::string::npos) return active("image/svg+xml");
            if (head.find("<?xml") != std::string::npos &&
                head.find("<html") == std::string::npos) {
                return active("application/xml");
            }
            return active("text/html");
        }
        return plain("text/plain");
    }
    return plain("application/octet-stream");
}

const std::vector<std::string>& default_upload_types() {
    static const std::vector<std::string> types{
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/msword",
        "video/mp4",
        "video/quicktime",
        "video/webm",
        "audio/mpeg",
        "audio/ogg",
    };
    return types;
}

}  // namespace juttu::core

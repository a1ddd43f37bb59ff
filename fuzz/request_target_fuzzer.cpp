// Request targets. juttu::net::web_path, which StaticFiles uses to find a file under the
// web root, must for any target give nothing or a relative path of plain segments
// ([A-Za-z0-9._-], none empty, none "." or "..", none hidden) that stays under the root:
// anything else aborts. The same target also goes through Boost.URL's parse_origin_form,
// its path and its query read as RestApi::handle and the handlers read them.
#include <boost/url/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "net/static_files.hpp"

namespace {

bool plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '/';
}

void check_web_path(std::string_view target) {
    const auto path = juttu::net::web_path(target);
    if (!path) return;
    FUZZ_CHECK(path->is_relative());
    FUZZ_CHECK(!path->has_root_name() && !path->has_root_directory());
    const std::string text = path->string();
    for (char c : text) FUZZ_CHECK(plain(c));
    for (const auto& part : *path) {
        const std::string segment = part.string();
        FUZZ_CHECK(!segment.empty());
        FUZZ_CHECK(segment != "." && segment != "..");
        FUZZ_CHECK(segment.front() != '.');
    }
    // It names what the target's path names: the path without its '/' at either end.
    std::string_view named = target.substr(0, target.find_first_of("?#"));
    FUZZ_CHECK(named.starts_with('/'));
    named.remove_prefix(1);
    if (named.ends_with('/')) named.remove_suffix(1);
    FUZZ_CHECK(text == named);
    // Joined to a root, it stays under the root.
    const std::filesystem::path root = "/srv/juttu/web";
    const auto joined = (root / *path).lexically_normal();
    const auto relative = joined.lexically_relative(root);
    FUZZ_CHECK(!relative.empty());
    FUZZ_CHECK(relative == "." || *relative.begin() != "..");
}

void check_origin_form(std::string_view target) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return;
    FUZZ_CHECK(url->buffer() == target);
    const std::string_view path = url->encoded_path();
    FUZZ_CHECK(target.starts_with(path));
    // The handlers read query parameters decoded (rest_handlers.cpp, query_value).
    const auto params = url->params();
    for (const auto& param : params) {
        const std::string key = param.key;
        const std::string value = param.value;
        FUZZ_CHECK(key.size() <= target.size() && value.size() <= target.size());
    }
    for (const char* key : {"status", "assignee", "site", "limit", "cursor", "after_seq"}) {
        if (auto it = params.find(key); it != params.end()) {
            const std::string value = (*it).value;
            FUZZ_CHECK(value.size() <= target.size());
        }
    }
    for (const auto& segment : url->segments()) {
        FUZZ_CHECK(segment.size() <= target.size());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Beast refuses request lines longer than its header limit (8 KiB) before this.
    if (size > 8192) return 0;
    const std::string_view target(reinterpret_cast<const char*>(data), size);
    check_web_path(target);
    check_origin_form(target);
    return 0;
}

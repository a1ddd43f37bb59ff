#include "net/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace juttu::net {
namespace {

TEST(WebPath, ResolvesPlainTargetsUnderTheRoot) {
    EXPECT_EQ(web_path("/"), std::filesystem::path());
    EXPECT_EQ(web_path("/widget.js"), std::filesystem::path("widget.js"));
    EXPECT_EQ(web_path("/console/"), std::filesystem::path("console"));
    EXPECT_EQ(web_path("/console/app.js?v=1#x"), std::filesystem::path("console/app.js"));
    EXPECT_EQ(web_path("/demo/cart.html"), std::filesystem::path("demo/cart.html"));
    EXPECT_EQ(web_path("/a-b_c.1/d"), std::filesystem::path("a-b_c.1/d"));
}

TEST(WebPath, RefusesEveryWayOut) {
    using namespace std::string_view_literals;
    for (std::string_view bad :
         {""sv,      "etc/passwd"sv, "//etc/passwd"sv,   "///x"sv,      "/a//b"sv,
          "/.."sv,   "/../x"sv,      "/a/../b"sv,        "/a/.."sv,     "/."sv,
          "/./a"sv,  "/.hidden"sv,   "/a/.git/config"sv, "/%2e%2e/x"sv, "/a%2fb"sv,
          "/a\\b"sv, "/\\etc"sv,     "/a\0b"sv,          "/a\x01"sv,    "/a b"sv,
          "/a:b"sv,  "/é"sv,         "http://host/x"sv,  "*"sv,         "/a\r\nb"sv}) {
        EXPECT_FALSE(web_path(bad).has_value()) << bad;
    }
}

class StaticFilesTest : public ::testing::Test {
protected:
    StaticFilesTest() {
        std::filesystem::create_directories(dir_.path() / "web" / "console");
        std::filesystem::create_directories(dir_.path() / "web-other");
        write(dir_.path() / "web" / "index.html", "root");
        write(dir_.path() / "web" / "console" / "index.html", "console");
        write(dir_.path() / "web-other" / "secret", "secret");
        std::filesystem::create_symlink(dir_.path() / "web-other" / "secret",
                                        dir_.path() / "web" / "link");
    }

    static void write(const std::filesystem::path& file, const char* text) {
        std::ofstream(file) << text;
    }

    std::optional<Response> get(std::string target) const {
        Request request{boost::beast::http::verb::get, target, 11};
        return StaticFiles(dir_.path() / "web").serve(request);
    }

    juttu::testing::TempDir dir_;
};

TEST_F(StaticFilesTest, ServesFilesAndDirectoryIndexes) {
    ASSERT_TRUE(get("/").has_value());
    EXPECT_EQ(get("/")->body(), "root");
    EXPECT_EQ(get("/console/")->body(), "console");
    EXPECT_EQ(get("/console")->result(), boost::beast::http::status::moved_permanently);
    EXPECT_EQ(get("/index")->body(), "root");  // "/x" serves "/x.html"
}

TEST_F(StaticFilesTest, DoesNotFollowSymlinksOutOfTheRoot) {
    EXPECT_FALSE(get("/link").has_value());
    EXPECT_FALSE(get("/missing").has_value());
}

}  // namespace
}  // namespace juttu::net

// Attachments' pure and local parts: sniffing by magic numbers, URL signatures, the
// filesystem blob store; the files service on a real store and blob directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api/rest_api.hpp"
#include "core/file_type.hpp"
#include "services/files/file_signer.hpp"
#include "services/files/files_service.hpp"
#include "services/files/fs_blob_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

namespace juttu {
namespace {

using namespace std::string_literals;

TEST(FileType, KnowsCommonTypesByTheirBytes) {
    EXPECT_EQ(core::sniff_file_type("\x89PNG\r\n\x1a\n...."s).mime, "image/png");
    EXPECT_TRUE(core::sniff_file_type("\x89PNG\r\n\x1a\n...."s).raster);
    EXPECT_EQ(core::sniff_file_type("\xff\xd8\xff\xe0"s).mime, "image/jpeg");
    EXPECT_EQ(core::sniff_file_type("GIF89a..."s).mime, "image/gif");
    EXPECT_EQ(core::sniff_file_type("RIFF\x10\0\0\0WEBPVP8 "s).mime, "image/webp");
    EXPECT_EQ(core::sniff_file_type("%PDF-1.7\n"s).mime, "application/pdf");
    EXPECT_EQ(core::sniff_file_type("\0\0\0\x18"
                                    "ftypmp42"s)
                  .mime,
              "video/mp4");
    EXPECT_EQ(core::sniff_file_type("order,qty\n1234,2\n"s).mime, "text/plain");
    EXPECT_EQ(core::sniff_file_type("PK\x03\x04....word/document.xml"s).mime,
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    EXPECT_EQ(core::sniff_file_type("\x01\x02\x03\xff"s).mime, "application/octet-stream");
}

TEST(FileType, ProgramsAreExecutablesWhateverTheyAreCalled) {
    for (const auto& bytes :
         {"\x7f"
          "ELF\x02\x01"s,
          "MZ\x90\0"s, "\xcf\xfa\xed\xfe"s, "#!/bin/sh\nrm -rf /\n"s, "\0asm\x01\0\0\0"s}) {
        EXPECT_TRUE(core::sniff_file_type(bytes).executable) << bytes;
    }
    EXPECT_FALSE(core::sniff_file_type("hello\n"s).executable);
}

TEST(FileType, MarkupIsActive) {
    EXPECT_TRUE(core::sniff_file_type("  <!DOCTYPE html><p>hi"s).active);
    EXPECT_EQ(core::sniff_file_type("<svg xmlns='http://www.w3.org/2000/svg'/>"s).mime,
              "image/svg+xml");
    EXPECT_TRUE(core::sniff_file_type("\xef\xbb\xbf<script>alert(1)</script>"s).active);
    EXPECT_FALSE(core::sniff_file_type("a < b and c > d\n"s).active);
}

TEST(FileSigner, SignsWorkspaceFileVariantAndExpiry) {
    const services::FileSigner signer(std::string(32, 'k'));
    const auto sig = signer.signature(1, "f_abc", "original", 1000);
    EXPECT_EQ(sig.size(), 64U);
    EXPECT_TRUE(signer.verify(1, "f_abc", "original", 1000, sig));
    EXPECT_FALSE(signer.verify(2, "f_abc", "original", 1000, sig));
    EXPECT_FALSE(signer.verify(1, "f_abd", "original", 1000, sig));
    EXPECT_FALSE(signer.verify(1, "f_abc", "thumbnail", 1000, sig));
    EXPECT_FALSE(signer.verify(1, "f_abc", "original", 1001, sig));
    EXPECT_FALSE(
        services::FileSigner(std::string(32, 'x')).verify(1, "f_abc", "original", 1000, sig));
    EXPECT_EQ(signer.url(1, "f_abc", "original", 1000),
              "/files/1/f_abc/original?exp=1000&sig=" + sig);
}

TEST(FileSigner, KeepsItsSecretInTheDataDir) {
    testing::TempDir dir;
    const auto file = dir.path() / "file_url_secret";
    const auto first = services::FileSigner::from_file(file).signature(1, "f", "original", 1);
    EXPECT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(services::FileSigner::from_file(file).signature(1, "f", "original", 1), first);
}

TEST(FsBlobStore, PutsGetsAndRemovesWholeBlobs) {
    testing::TempDir dir;
    services::FsBlobStore blobs(dir.path() / "files");
    const std::string bytes = "\0binary\xff"s;
    blobs.put("f_one", bytes);
    EXPECT_EQ(blobs.get("f_one"), bytes);
    EXPECT_EQ(blobs.get("f_missing"), std::nullopt);
    blobs.remove("f_one");
    blobs.remove("f_one");  // gone already: nothing happens
    EXPECT_EQ(blobs.get("f_one"), std::nullopt);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "files")) {
        ADD_FAILURE() << "left behind: " << entry.path();
    }
}

TEST(FsBlobStore, RefusesKeysThatCouldLeaveItsDirectory) {
    testing::TempDir dir;
    services::FsBlobStore blobs(dir.path() / "files");
    EXPECT_THROW(blobs.put("../escape", "x"), services::BlobError);
    EXPECT_THROW(blobs.put(".hidden", "x"), services::BlobError);
    EXPECT_THROW(blobs.get("a/b"), services::BlobError);
    EXPECT_THROW(blobs.put("", "x"), services::BlobError);
}

// The service on a real SQLite store and blob directory, in a temporary data dir.
class FilesServiceTest : public ::testing::Test {
protected:
    std::vector<std::string> blob_names() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / "files")) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    testing::TempDir dir_;
    std::unique_ptr<store::Store> store_ =
        store::sqlite::SqliteStore::open(dir_.path() / "juttu.db");
    services::FsBlobStore blobs_{dir_.path() / "files"};
    services::FileSigner signer_{std::string(32, 'k')};
    services::ImageProcessor images_{{}};
    testing::ManualClock clock_;
    services::FilesService files_{*store_, blobs_, signer_, images_, clock_, {1000, 10, {}}};
    services::FileActor agent_{core::AuthorKind::agent,
                               store_->create_workspace("Files", clock_.now_ms()).id, 1};
};

TEST_F(FilesServiceTest, AFileOverTheLimitSaysTheLimit) {
    const auto refused = files_.upload(agent_, "big.txt", "k1", std::string(1001, 'a'));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::file_too_large);
    EXPECT_EQ(refused.error().max_bytes, 1000U);
    const auto reply = api::error_reply(refused.error());
    EXPECT_EQ(reply.status, boost::beast::http::status::payload_too_large);
    EXPECT_EQ(reply.body.at("error").at("code"), "file_too_large");
    EXPECT_EQ(reply.body.at("error").at("max_bytes").to_number<std::uint64_t>(), 1000U);
    EXPECT_TRUE(blob_names().empty());
    // Other errors carry no limit.
    const auto empty = api::error_reply(files_.upload(agent_, "empty.txt", "k2", "").error());
    EXPECT_FALSE(empty.body.at("error").as_object().contains("max_bytes"));
    EXPECT_TRUE(files_.upload(agent_, "fits.txt", "k3", std::string(1000, 'a')).ok());
}

TEST_F(FilesServiceTest, BlobsWithoutARowAreRemovedAndTheOthersKept) {
    const auto kept = files_.upload(agent_, "kept.txt", "k1", "kept\n");
    ASSERT_TRUE(kept.ok());
    // What a crash between the blob's put and the row's commit leaves; and a file that is
    // not the service's.
    blobs_.put("f_crashedAAAAAAAAAAAAAAAAAA", "lost");
    blobs_.put("f_crashedAAAAAAAAAAAAAAAAAA.thumb", "lost");
    blobs_.put("f_crashedBBBBBBBBBBBBBBBBBB", "lost");
    blobs_.put("README", "not a blob of the files service");
    const auto swept = files_.remove_orphan_blobs();
    EXPECT_EQ(swept.found, 3U);
    EXPECT_EQ(swept.removed, 3U);
    EXPECT_EQ(blob_names(), (std::vector<std::string>{"README", kept.value().id}));
    EXPECT_EQ(files_.remove_orphan_blobs().found, 0U);
    EXPECT_EQ(blobs_.get(kept.value().id), "kept\n");
}

TEST_F(FilesServiceTest, ManyBlobsWithoutARowAreNoCrashsLeftoversAndStay) {
    for (int i = 0; i < 5; ++i) blobs_.put("f_unknown" + std::to_string(i), "x");
    const auto swept = files_.remove_orphan_blobs(4);
    EXPECT_EQ(swept.found, 5U);
    EXPECT_EQ(swept.removed, 0U);
    EXPECT_EQ(blob_names().size(), 5U);
    EXPECT_EQ(files_.remove_orphan_blobs(5).removed, 5U);
    EXPECT_TRUE(blob_names().empty());
}

TEST_F(FilesServiceTest, OrphansAreFoundAcrossBatchesOfTheStore) {
    // More blobs than one batch asks the store about, rows and orphans mixed.
    std::vector<std::string> rows;
    for (int i = 0; i < 510; ++i) {
        auto up = files_.upload(agent_, "n.txt", "key-" + std::to_string(i), "n\n");
        ASSERT_TRUE(up.ok());
        rows.push_back(up.value().id);
        if (i % 50 == 0) blobs_.put("f_orphan" + std::to_string(i), "x");
    }
    const auto swept = files_.remove_orphan_blobs();
    EXPECT_EQ(swept.found, 11U);
    EXPECT_EQ(swept.removed, 11U);
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(blob_names(), rows);
}

}  // namespace
}  // namespace juttu

// The writer connection's log frames are gathered and written once per commit: what a
// commit returned for must be in the file for other connections and after a crash, and
// nothing of a transaction that did not commit may count.
#include "store/sqlite/wal_write_buffer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/sqlite/sqlite_db.hpp"
#include "temp_dir.hpp"

namespace juttu::store::sqlite {
namespace {

using Mode = Database::Mode;

class WalWriteBufferTest : public ::testing::Test {
protected:
    std::filesystem::path file() const { return dir_.path() / "wal.db"; }

    std::unique_ptr<Database> writer() {
        auto db = Database::open(file(), Mode::writer);
        db->exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
        return db;
    }

    // Rows and their total length as another connection sees them.
    std::pair<std::int64_t, std::int64_t> seen() {
        auto reader = Database::open(file(), Mode::read_only);
        auto query = reader->prepare("SELECT count(*), coalesce(sum(length(body)), 0) FROM t");
        EXPECT_TRUE(query.step());
        return {query.column_int64(0), query.column_int64(1)};
    }

    static void insert(Database& db, int rows, std::size_t bytes) {
        for (int i = 0; i < rows; ++i) {
            db.prepare("INSERT INTO t(body) VALUES (?)")
                .bind(1, std::string(bytes, static_cast<char>('a' + i % 26)))
                .run();
        }
    }

    juttu::testing::TempDir dir_;
};

TEST_F(WalWriteBufferTest, WhatCommittedIsReadByOtherConnections) {
    auto db = writer();
    db->exec("BEGIN");
    insert(*db, 10, 100);
    db->exec("COMMIT");
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{10}, std::int64_t{1000}));
    db->exec("BEGIN");
    insert(*db, 5, 100);
    db->exec("COMMIT");
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{15}, std::int64_t{1500}));
}

TEST_F(WalWriteBufferTest, ATransactionLargerThanTheBufferIsWrittenInParts) {
    auto db = writer();
    db->exec("BEGIN");
    insert(*db, 3000, 2000);  // ~6 MiB of frames
    db->exec("COMMIT");
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{3000}, std::int64_t{6'000'000}));
    EXPECT_GT(std::filesystem::file_size(dir_.path() / "wal.db-wal"), 6'000'000U);
}

TEST_F(WalWriteBufferTest, PagesSpilledAndChangedAgainInOneTransaction) {
    auto db = writer();
    // A tiny cache makes sqlite write changed pages to the log before the commit and
    // read them back, and write them again as they change.
    db->exec("PRAGMA cache_size=5");
    db->exec("BEGIN");
    insert(*db, 400, 1000);
    db->exec("UPDATE t SET body = body || 'x'");
    db->exec("COMMIT");
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{400}, std::int64_t{400'400}));
    auto reader = Database::open(file(), Mode::read_only);
    auto check = reader->prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.column_text(0), "ok");
}

TEST_F(WalWriteBufferTest, ARolledBackTransactionLeavesNothing) {
    auto db = writer();
    db->exec("PRAGMA cache_size=5");
    db->exec("BEGIN");
    insert(*db, 400, 1000);
    db->exec("ROLLBACK");
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{0}, std::int64_t{0}));
    db->exec("BEGIN");
    insert(*db, 3, 10);
    db->exec("COMMIT");
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{3}, std::int64_t{30}));
}

TEST_F(WalWriteBufferTest, CommitsSurviveAProcessThatDiesWithoutClosing) {
    writer();
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto db = writer();
        db->exec("BEGIN");
        insert(*db, 20, 100);
        db->exec("COMMIT");
        // Frames written (or still buffered), never committed: they must not count.
        db->exec("PRAGMA cache_size=5");
        db->exec("BEGIN");
        insert(*db, 400, 1000);
        _exit(0);  // no destructors: the connection is never closed
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(seen(), std::make_pair(std::int64_t{20}, std::int64_t{2000}));
}

}  // namespace
}  // namespace juttu::store::sqlite

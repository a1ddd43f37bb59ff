// The writer connection's log frames are gathered and written once per commit: what a
// commit returned for must be in the file for other connections and after a crash, and
// nothing of a transaction that did not commit may count.
#include "store/sqlite/wal_write_buffer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/sqlite/sqlite_db.hpp"
#include "temp_dir.hpp"

namespace juttu::store::sqlite {
namespace {

using Mode = Database::Mode;
using Rows = std::pair<std::int64_t, std::int64_t>;  // how many, and their total length

class WalWriteBufferTest : public ::testing::Test {
protected:
    std::filesystem::path file() const { return dir_.path() / "wal.db"; }

    std::unique_ptr<Database> writer() {
        auto db = Database::open(file(), Mode::writer);
        db->exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
        return db;
    }

    // The rows as another connection sees them.
    Rows seen() {
        auto reader = Database::open(file(), Mode::read_only);
        auto query = reader->prepare("SELECT count(*), coalesce(sum(length(body)), 0) FROM t");
        EXPECT_TRUE(query.step());
        return {query.column_int64(0), query.column_int64(1)};
    }

    std::string integrity() {
        auto reader = Database::open(file(), Mode::read_only);
        auto check = reader->prepare("PRAGMA integrity_check");
        return check.step() ? check.column_text(0) : "no answer";
    }

    static void insert(Database& db, int rows, std::size_t bytes) {
        for (int i = 0; i < rows; ++i) {
            db.prepare("INSERT INTO t(body) VALUES (?)")
                .bind(1, std::string(bytes, static_cast<char>('a' + i % 26)))
                .run();
        }
    }

    // Begins a transaction of 400 rows (400,000 bytes) larger than a tiny cache: sqlite
    // writes its changed pages to the log before any commit, and reads them back.
    static void begin_spilling(Database& db) {
        db.exec("PRAGMA cache_size=5");
        db.exec("BEGIN");
        insert(db, 400, 1000);
    }

    // The writer commits one row, rolls a spilling transaction back, and then another
    // writer (kept open in other_) commits 50 rows of 500 bytes where its frames were.
    std::unique_ptr<Database> rolled_back_then_another_writer_commits() {
        auto db = writer();
        commit(*db, 1, 10);
        begin_spilling(*db);
        db->exec("ROLLBACK");
        other_ = Database::open(file(), Mode::read_write_create);
        commit(*other_, 50, 500);
        return db;
    }

    static void commit(Database& db, int rows, std::size_t bytes) {
        db.exec("BEGIN");
        insert(db, rows, bytes);
        db.exec("COMMIT");
    }

    juttu::testing::TempDir dir_;
    std::unique_ptr<Database> other_;
};

TEST_F(WalWriteBufferTest, WhatCommittedIsReadByOtherConnections) {
    auto db = writer();
    commit(*db, 10, 100);
    EXPECT_EQ(seen(), Rows(10, 1000));
    commit(*db, 5, 100);
    EXPECT_EQ(seen(), Rows(15, 1500));
}

TEST_F(WalWriteBufferTest, ATransactionLargerThanTheBufferIsWrittenInParts) {
    auto db = writer();
    commit(*db, 3000, 2000);  // ~6 MiB of frames
    EXPECT_EQ(seen(), Rows(3000, 6'000'000));
    EXPECT_GT(std::filesystem::file_size(dir_.path() / "wal.db-wal"), 6'000'000U);
}

TEST_F(WalWriteBufferTest, PagesSpilledAndChangedAgainInOneTransaction) {
    auto db = writer();
    begin_spilling(*db);
    db->exec("UPDATE t SET body = body || 'x'");
    db->exec("COMMIT");
    EXPECT_EQ(seen(), Rows(400, 400'400));
    EXPECT_EQ(integrity(), "ok");
}

TEST_F(WalWriteBufferTest, ARolledBackTransactionLeavesNothing) {
    auto db = writer();
    begin_spilling(*db);
    db->exec("ROLLBACK");
    EXPECT_EQ(seen(), Rows(0, 0));
    commit(*db, 3, 10);
    EXPECT_EQ(seen(), Rows(3, 30));
}

// Another writer (`juttu admin` while `juttu serve` runs) commits where a rolled-back
// transaction's frames were: they must never be written over its commits later.
TEST_F(WalWriteBufferTest, ARolledBackTransactionNeverOverwritesAnotherWritersCommits) {
    auto db = rolled_back_then_another_writer_commits();
    commit(*db, 1, 10);  // the next transaction writes elsewhere in the log
    EXPECT_EQ(seen(), Rows(52, 25'020));
    EXPECT_EQ(integrity(), "ok");
}

TEST_F(WalWriteBufferTest, ARolledBackTransactionIsNotWrittenWhenTheWriterCloses) {
    auto db = rolled_back_then_another_writer_commits();
    db.reset();
    EXPECT_EQ(seen(), Rows(51, 25'010));
    EXPECT_EQ(integrity(), "ok");
}

// Without powersafe overwrite sqlite pads a commit and syncs in the middle of it, then
// publishes frames written after that sync: such storage is written through.
TEST_F(WalWriteBufferTest, StorageWithoutPowersafeOverwriteIsWrittenThrough) {
    writer();
    const std::string uri = "file:" + file().string() + "?psow=0";
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI,
                              wal_write_buffer_vfs()),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN; "
                           "INSERT INTO t(body) VALUES ('one'); COMMIT;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(seen(), Rows(1, 3));
    EXPECT_EQ(integrity(), "ok");
    sqlite3_close(raw);
}

TEST_F(WalWriteBufferTest, CommitsSurviveAProcessThatDiesWithoutClosing) {
    writer();
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto db = writer();
        commit(*db, 20, 100);
        // Frames written (or still buffered), never committed: they must not count.
        begin_spilling(*db);
        _exit(0);  // no destructors: the connection is never closed
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(seen(), Rows(20, 2000));
}

}  // namespace
}  // namespace juttu::store::sqlite

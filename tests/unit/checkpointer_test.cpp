#include "store/sqlite/checkpointer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <thread>

#include "temp_dir.hpp"

namespace juttu::store::sqlite {
namespace {

std::filesystem::path wal_of(const std::filesystem::path& file) {
    return std::filesystem::path(file.string() + "-wal");
}

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

TEST(Checkpointer, CheckpointsOnItsOwnThreadOnceTheWalPassesTheThreshold) {
    testing::TempDir dir;
    const auto file = dir.path() / "test.db";
    auto db = Database::open(file, Database::Mode::read_write_create);
    db->exec("CREATE TABLE t(x BLOB)");
    Checkpointer checkpointer(file, 8);
    checkpointer.watch(*db);

    db->exec("INSERT INTO t VALUES (zeroblob(100))");  // a page or two: below the threshold
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(checkpointer.checkpoints(), 0U);

    for (int i = 0; i < 20; ++i) db->exec("INSERT INTO t VALUES (zeroblob(8000))");
    EXPECT_TRUE(eventually([&] { return checkpointer.checkpoints() > 0; }));

    for (int round = 0; round < 5; ++round) {
        const auto done = checkpointer.checkpoints();
        for (int i = 0; i < 20; ++i) db->exec("INSERT INTO t VALUES (zeroblob(8000))");
        EXPECT_TRUE(eventually([&] { return checkpointer.checkpoints() > done; }));
    }
    // Checkpoints copied the rows into the database file itself; without them every
    // page would still live only in the WAL and the file would stay a few pages long.
    EXPECT_GT(std::filesystem::file_size(file), 100U * 8000U);
    auto count = db->prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.column_int64(0), 121);
}

TEST(Checkpointer, TheWalStartsOverUnderSteadyWrites) {
    testing::TempDir dir;
    const auto file = dir.path() / "test.db";
    auto db = Database::open(file, Database::Mode::read_write_create);
    db->exec("CREATE TABLE t(x BLOB)");
    Checkpointer checkpointer(file, 64, 16);
    checkpointer.watch(*db);

    // Commits back to back, each a few frames: the rounds on the other thread never
    // find the WAL fully copied between two of them. Between two, as the writer does.
    std::uintmax_t largest = 0;
    for (int i = 0; i < 3000; ++i) {
        db->exec("INSERT INTO t VALUES (zeroblob(3000))");
        checkpointer.copy_tail(*db);
        if (i % 100 == 99) largest = std::max(largest, std::filesystem::file_size(wal_of(file)));
    }
    // The writer copied the tails left by the rounds, so the WAL was reused from its
    // start instead of growing with every commit (without the tails: ~37 MB). It may
    // pass the threshold by what commits add while the rounds run, more on a busy
    // machine (9 thresholds seen with the browser tests beside it): 16 at most.
    EXPECT_GT(checkpointer.tails(), 0U);
    EXPECT_LT(largest, 16U * 64U * 4120U);
    auto count = db->prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.column_int64(0), 3000);
}

}  // namespace
}  // namespace juttu::store::sqlite

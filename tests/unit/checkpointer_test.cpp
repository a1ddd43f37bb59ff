#include "store/sqlite/checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "temp_dir.hpp"

namespace juttu::store::sqlite {
namespace {

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

}  // namespace
}  // namespace juttu::store::sqlite

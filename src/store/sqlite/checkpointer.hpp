// Copies the write-ahead log back into the database file on a thread and connection of
// its own. SQLite's automatic checkpoint runs inside the COMMIT that crosses the
// threshold, on the store's only writer; measured at 9 % of the server's CPU under chat
// load (BENCHMARKS.md), all of it on the thread every acknowledgement waits for.
//
// Thread-safety: watch() once before the write connection is used; the commit hook runs
// on the writer thread and only signals; checkpoints run on this object's thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/sqlite_db.hpp"

struct sqlite3;

namespace juttu::store::sqlite {

class Checkpointer {
public:
    // About 32 MiB of WAL with 4 KiB pages, 8 × SQLite's own default: a page rewritten by
    // many commits (a busy conversation's row) is copied back once per checkpoint, so
    // fewer checkpoints cost less CPU per message (BENCHMARKS.md: -5 to -16 %).
    static constexpr int default_wal_pages = 8000;

    explicit Checkpointer(const std::filesystem::path& file, int wal_pages = default_wal_pages);
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    ~Checkpointer();  // stops after the checkpoint in progress

    // Replaces SQLite's automatic checkpoints on the write connection with this thread.
    void watch(Database& write_db);

    std::uint64_t checkpoints() const { return checkpoints_.load(); }

private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void loop();

    std::unique_ptr<Database> db_;
    const int wal_pages_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;  // guarded by mutex_
    bool stopping_ = false;   // guarded by mutex_
    std::atomic<std::uint64_t> checkpoints_{0};
    std::thread thread_;
};

}  // namespace juttu::store::sqlite

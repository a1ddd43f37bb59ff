// Copies the write-ahead log back into the database file on a thread and connection of
// its own. SQLite's automatic checkpoint runs inside the COMMIT that crosses the
// threshold, on the store's only writer; measured at 9 % of the server's CPU under chat
// load (BENCHMARKS.md), all of it on the thread every acknowledgement waits for.
//
// SQLite starts the WAL over from its beginning only when a write transaction begins
// with every frame already in the database file. Under steady writes a checkpoint on
// another thread never quite gets there (commits keep adding frames while it copies),
// so the WAL would only grow, and every commit past the threshold would ask for another
// small checkpoint. So a cycle goes: rounds on this thread until what is left is short,
// then the writer copies that short tail itself between two transactions, when nothing
// can be added meanwhile, and the WAL starts over.
//
// Thread-safety: watch() once before the write connection is used; its WAL hook and
// copy_tail() run on the writer thread; rounds run on this object's thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "store/sqlite/sqlite_db.hpp"

struct sqlite3;

namespace juttu::store::sqlite {

class Checkpointer {
public:
    // About 128 MiB of WAL with 4 KiB pages, 32 × SQLite's own default: a page rewritten
    // by many commits (a conversation's row, the last page of its history) is copied back
    // once per checkpoint, so fewer checkpoints cost less: with a million messages stored,
    // 32 MiB copied 2.5 KB per message back, 128 MiB 0.8 KB (BENCHMARKS.md).
    static constexpr int default_wal_pages = 32000;

    // tail_pages: the most frames a round may leave for the writer (1/256 of wal_pages
    // when 0: ~0.5 MiB, about a millisecond of the writer).
    explicit Checkpointer(const std::filesystem::path& file, int wal_pages = default_wal_pages,
                          int tail_pages = 0);
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    ~Checkpointer();  // stops after the checkpoint in progress

    // Replaces SQLite's automatic checkpoints on the write connection with this thread.
    void watch(Database& write_db);
    // On the writer thread, outside any transaction: copies the tail the last rounds
    // left, if they left one and the WAL has not started over since.
    void copy_tail(Database& write_db);

    // Rounds run on this thread, and tails the writer copied.
    std::uint64_t checkpoints() const { return checkpoints_.load(); }
    std::uint64_t tails() const { return tails_.load(); }

private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    // The WAL's length after a commit: asks for rounds past the threshold.
    void committed(int wal_pages);
    void loop();
    // Rounds until the WAL's unchecked part is short (or no round makes progress).
    void run_rounds();

    std::unique_ptr<Database> db_;
    const int wal_pages_;
    const int tail_pages_;
    std::mutex mutex_;
    std::condition_variable wake_;
    // All guarded by mutex_.
    bool requested_ = false;
    bool running_ = false;  // rounds in progress
    bool stopping_ = false;
    int last_wal_pages_ = 0;  // the WAL's length after the writer's last commit
    // Each start-over of the WAL begins a generation; a tail is due only in the
    // generation whose rounds left it.
    std::uint64_t generation_ = 0;
    std::optional<std::uint64_t> tail_generation_;  // while a tail waits for the writer
    int tail_left_at_ = 0;  // the WAL's length when the rounds left the tail

    std::atomic<std::uint64_t> checkpoints_{0};
    std::atomic<std::uint64_t> tails_{0};
    std::thread thread_;
};

}  // namespace juttu::store::sqlite

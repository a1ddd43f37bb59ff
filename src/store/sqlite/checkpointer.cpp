#include "store/sqlite/checkpointer.hpp"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>

namespace juttu::store::sqlite {

Checkpointer::Checkpointer(const std::filesystem::path& file, int wal_pages, int tail_pages)
    : db_(Database::open(file, Database::Mode::read_write_create)),
      wal_pages_(wal_pages),
      tail_pages_(tail_pages > 0 ? tail_pages : std::max(1, wal_pages / 256)),
      thread_([this] {
          pthread_setname_np(pthread_self(), "juttu-checkpt");
          loop();
      }) {}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void Checkpointer::watch(Database& write_db) {
    // Installing a WAL hook also turns SQLite's automatic checkpoints off.
    sqlite3_wal_hook(write_db.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int wal_pages) {
    static_cast<Checkpointer*>(self)->committed(wal_pages);
    return SQLITE_OK;
}

void Checkpointer::committed(int wal_pages) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (wal_pages < last_wal_pages_) ++generation_;  // the WAL started over
        last_wal_pages_ = wal_pages;
        // A tail left waiting (nobody calls copy_tail) holds the next rounds back only
        // until the WAL has grown by another threshold.
        const bool tail_waits =
            tail_generation_ == generation_ && wal_pages - tail_left_at_ < wal_pages_;
        wake = wal_pages >= wal_pages_ && !running_ && !requested_ && !tail_waits;
        if (wake) tail_generation_.reset();
        requested_ = requested_ || wake;
    }
    if (wake) wake_.notify_one();
}

void Checkpointer::copy_tail(Database& write_db) {
    {
        std::lock_guard lock(mutex_);
        const bool current = tail_generation_ == generation_;
        tail_generation_.reset();
        if (!current) return;
    }
    // PASSIVE copies every frame here: only this connection adds any.
    if (sqlite3_wal_checkpoint_v2(write_db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr) == SQLITE_OK) {
        tails_.fetch_add(1);
    }
}

void Checkpointer::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return requested_ || stopping_; });
        if (stopping_) return;
        requested_ = false;
        running_ = true;
        const std::uint64_t generation = generation_;
        lock.unlock();
        run_rounds();
        lock.lock();
        running_ = false;
        tail_generation_ = generation;
        tail_left_at_ = last_wal_pages_;
    }
}

void Checkpointer::run_rounds() {
    int copied_before = -1;
    while (true) {
        // PASSIVE never blocks the writer or readers: it copies what no reader still
        // needs.
        int copied = 0;
        if (sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                      &copied) != SQLITE_OK) {
            return;
        }
        checkpoints_.fetch_add(1);
        std::lock_guard lock(mutex_);
        // Done once the tail is short, the WAL started over, or a reader holds frames back.
        if (stopping_ || last_wal_pages_ - copied <= tail_pages_ || copied <= copied_before) {
            return;
        }
        copied_before = copied;
    }
}

}  // namespace juttu::store::sqlite

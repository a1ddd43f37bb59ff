#include "store/sqlite/checkpointer.hpp"

#include <sqlite3.h>

namespace juttu::store::sqlite {

Checkpointer::Checkpointer(const std::filesystem::path& file, int wal_pages)
    : db_(Database::open(file, Database::Mode::read_write_create)),
      wal_pages_(wal_pages),
      thread_([this] { loop(); }) {}

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
    auto* checkpointer = static_cast<Checkpointer*>(self);
    if (wal_pages >= checkpointer->wal_pages_) {
        {
            std::lock_guard lock(checkpointer->mutex_);
            checkpointer->requested_ = true;
        }
        checkpointer->wake_.notify_one();
    }
    return SQLITE_OK;
}

void Checkpointer::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return requested_ || stopping_; });
        if (stopping_) return;
        requested_ = false;
        lock.unlock();
        // PASSIVE never blocks the writer or readers: it copies what no reader still
        // needs, and the next commit past the threshold asks again for the rest.
        int log_frames = 0;
        int copied_frames = 0;
        if (sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                      &log_frames, &copied_frames) == SQLITE_OK) {
            checkpoints_.fetch_add(1);
        }
        lock.lock();
    }
}

}  // namespace juttu::store::sqlite

#include "store/sqlite/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace juttu::store::sqlite {

namespace {

constexpr const char* vfs_name = "juttu-wal-buffer";
// A commit of 64 messages writes ~1.3 MiB of frames; a larger one is written in parts.
constexpr std::size_t buffer_limit = 2 << 20;
// The default VFS writes at most 128 KiB - 1 bytes per call (it masks the length).
constexpr std::size_t write_chunk = 124 << 10;
// The WAL's write lock is shared-memory lock slot 0 (WAL_WRITE_LOCK in sqlite's wal.c).
constexpr int wal_write_lock = 0;

sqlite3_vfs* default_vfs = nullptr;

// Both kinds of wrapped file start with this; the default VFS's own file follows in the
// same allocation, at inner_offset.
struct Wrapped {
    sqlite3_file base;
    sqlite3_file* inner;
};

struct WatchedDb;

struct BufferedWal {
    Wrapped wrapped;
    std::vector<char>* pending;  // contiguous frames not yet written, from `offset`
    sqlite3_int64 offset;
    bool buffering;  // false: every write goes straight through
    WatchedDb* db;   // the database file, while both are open
};

struct WatchedDb {
    Wrapped wrapped;
    BufferedWal* wal;  // its WAL, while open
};

constexpr std::size_t inner_offset =
    (std::max(sizeof(BufferedWal), sizeof(WatchedDb)) + 15) & ~std::size_t{15};

Wrapped& wrapped(sqlite3_file* file) { return *reinterpret_cast<Wrapped*>(file); }
const sqlite3_io_methods& inner_methods(sqlite3_file* file) {
    return *wrapped(file).inner->pMethods;
}
sqlite3_file* inner(sqlite3_file* file) { return wrapped(file).inner; }
BufferedWal& wal(sqlite3_file* file) { return *reinterpret_cast<BufferedWal*>(file); }
WatchedDb& db(sqlite3_file* file) { return *reinterpret_cast<WatchedDb*>(file); }

// --- Calls passed on unchanged (both kinds of file) ---

int lock_file(sqlite3_file* f, int level) { return inner_methods(f).xLock(inner(f), level); }
int unlock_file(sqlite3_file* f, int level) { return inner_methods(f).xUnlock(inner(f), level); }
int check_lock(sqlite3_file* f, int* locked) {
    return inner_methods(f).xCheckReservedLock(inner(f), locked);
}
int sector_size(sqlite3_file* f) { return inner_methods(f).xSectorSize(inner(f)); }
int device_characteristics(sqlite3_file* f) {
    return inner_methods(f).xDeviceCharacteristics(inner(f));
}

// --- The WAL ---

int write_out(BufferedWal& f) {
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < f.pending->size() && rc == SQLITE_OK; done += write_chunk) {
        const auto amount = std::min(write_chunk, f.pending->size() - done);
        rc = f.wrapped.inner->pMethods->xWrite(f.wrapped.inner, f.pending->data() + done,
                                               static_cast<int>(amount),
                                               f.offset + static_cast<sqlite3_int64>(done));
    }
    // On failure sqlite rolls the transaction back; its frames are not wanted any more.
    f.pending->clear();
    return rc;
}

bool overlaps(const BufferedWal& f, sqlite3_int64 offset, int amount) {
    const auto end = f.offset + static_cast<sqlite3_int64>(f.pending->size());
    return !f.pending->empty() && offset < end && offset + amount > f.offset;
}

int wal_close(sqlite3_file* file) {
    BufferedWal& f = wal(file);
    // Every commit emptied the buffer at its sync: what is left never committed.
    if (f.db != nullptr) f.db->wal = nullptr;
    const int closed = inner_methods(file).xClose(inner(file));
    delete f.pending;
    return closed;
}

int wal_read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
    BufferedWal& f = wal(file);
    if (overlaps(f, offset, amount)) {
        if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    }
    return inner_methods(file).xRead(inner(file), data, amount, offset);
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    BufferedWal& f = wal(file);
    if (!f.buffering) return inner_methods(file).xWrite(inner(file), data, amount, offset);
    auto& pending = *f.pending;
    const auto size = static_cast<std::size_t>(amount);
    const auto end = f.offset + static_cast<sqlite3_int64>(pending.size());
    // A frame rewritten within the same commit (a page changed again after it spilled).
    if (!pending.empty() && offset >= f.offset && offset + amount <= end) {
        std::memcpy(pending.data() + (offset - f.offset), data, size);
        return SQLITE_OK;
    }
    if (offset != end || pending.size() + size > buffer_limit) {
        if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    }
    if (pending.empty()) f.offset = offset;
    const auto* bytes = static_cast<const char*>(data);
    pending.insert(pending.end(), bytes, bytes + size);
    return SQLITE_OK;
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
    if (int rc = write_out(wal(file)); rc != SQLITE_OK) return rc;
    return inner_methods(file).xTruncate(inner(file), size);
}

int wal_sync(sqlite3_file* file, int flags) {
    if (int rc = write_out(wal(file)); rc != SQLITE_OK) return rc;
    return inner_methods(file).xSync(inner(file), flags);
}

int wal_size(sqlite3_file* file, sqlite3_int64* size) {
    if (int rc = write_out(wal(file)); rc != SQLITE_OK) return rc;
    return inner_methods(file).xFileSize(inner(file), size);
}

int wal_control(sqlite3_file* file, int op, void* arg) {
    if (int rc = write_out(wal(file)); rc != SQLITE_OK) return rc;
    return inner_methods(file).xFileControl(inner(file), op, arg);
}

// Version 1: a WAL file is never memory-mapped and has no shared memory of its own.
const sqlite3_io_methods wal_methods = {
    1,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_size,
    lock_file,
    unlock_file,
    check_lock,
    wal_control,
    sector_size,
    device_characteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

// --- The database file: everything passed on; the WAL's write lock watched ---

int db_close(sqlite3_file* file) {
    if (db(file).wal != nullptr) db(file).wal->db = nullptr;
    return inner_methods(file).xClose(inner(file));
}
int db_read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
    return inner_methods(f).xRead(inner(f), data, amount, offset);
}
int db_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    return inner_methods(f).xWrite(inner(f), data, amount, offset);
}
int db_truncate(sqlite3_file* f, sqlite3_int64 size) {
    return inner_methods(f).xTruncate(inner(f), size);
}
int db_sync(sqlite3_file* f, int flags) { return inner_methods(f).xSync(inner(f), flags); }
int db_size(sqlite3_file* f, sqlite3_int64* size) {
    return inner_methods(f).xFileSize(inner(f), size);
}
int db_control(sqlite3_file* f, int op, void* arg) {
    return inner_methods(f).xFileControl(inner(f), op, arg);
}
int db_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** memory) {
    return inner_methods(f).xShmMap(inner(f), region, size, extend, memory);
}
void db_shm_barrier(sqlite3_file* f) { inner_methods(f).xShmBarrier(inner(f)); }
int db_shm_unmap(sqlite3_file* f, int delete_flag) {
    return inner_methods(f).xShmUnmap(inner(f), delete_flag);
}
int db_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** page) {
    return inner_methods(f).xFetch(inner(f), offset, amount, page);
}
int db_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
    return inner_methods(f).xUnfetch(inner(f), offset, page);
}

int db_shm_lock(sqlite3_file* file, int offset, int count, int flags) {
    const int rc = inner_methods(file).xShmLock(inner(file), offset, count, flags);
    const bool write_lock_released = (flags & SQLITE_SHM_UNLOCK) != 0 && offset <= wal_write_lock &&
                                     wal_write_lock < offset + count;
    // The write transaction is over. A commit emptied the buffer at its sync; anything
    // left is a rolled-back transaction's and must never reach the file.
    if (write_lock_released && db(file).wal != nullptr) db(file).wal->pending->clear();
    return rc;
}

const sqlite3_io_methods db_methods = {
    3,
    db_close,
    db_read,
    db_write,
    db_truncate,
    db_sync,
    db_size,
    lock_file,
    unlock_file,
    check_lock,
    db_control,
    sector_size,
    device_characteristics,
    db_shm_map,
    db_shm_lock,
    db_shm_barrier,
    db_shm_unmap,
    db_fetch,
    db_unfetch,
};

// --- Opening ---

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    const bool is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    if (!is_wal && (flags & SQLITE_OPEN_MAIN_DB) == 0) {
        // Journals, temporary files: the default VFS's own, in the space allocated for ours.
        return default_vfs->xOpen(default_vfs, name, file, flags, out_flags);
    }
    auto* inner_file =
        reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + inner_offset);
    file->pMethods = nullptr;
    if (int rc = default_vfs->xOpen(default_vfs, name, inner_file, flags, out_flags);
        rc != SQLITE_OK) {
        return rc;
    }
    if (!is_wal) {
        new (file) WatchedDb{{{&db_methods}, inner_file}, nullptr};
        return SQLITE_OK;
    }
    auto* pending = new (std::nothrow) std::vector<char>();
    if (pending == nullptr) {
        inner_file->pMethods->xClose(inner_file);
        return SQLITE_NOMEM;
    }
    auto* database = sqlite3_database_file_object(name);
    WatchedDb* watched = database != nullptr && database->pMethods == &db_methods
                             ? reinterpret_cast<WatchedDb*>(database)
                             : nullptr;
    // sqlite decides to pad (and sync mid-commit) by the database file's characteristics.
    const bool powersafe = watched != nullptr && (device_characteristics(database) &
                                                  SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
    auto* opened =
        new (file) BufferedWal{{{&wal_methods}, inner_file}, pending, 0, powersafe, watched};
    if (watched != nullptr) watched->wal = opened;
    return SQLITE_OK;
}

}  // namespace

const char* wal_write_buffer_vfs() {
    static std::once_flag registered;
    std::call_once(registered, [] {
        default_vfs = sqlite3_vfs_find(nullptr);
        // The default VFS's functions keep working with this copy: they read its
        // pAppData, which the copy keeps; only opening a file differs.
        static sqlite3_vfs vfs = *default_vfs;
        vfs.szOsFile = static_cast<int>(inner_offset) + default_vfs->szOsFile;
        vfs.zName = vfs_name;
        vfs.pNext = nullptr;
        vfs.xOpen = open_file;
        sqlite3_vfs_register(&vfs, 0);
    });
    return vfs_name;
}

}  // namespace juttu::store::sqlite

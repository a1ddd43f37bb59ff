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

sqlite3_vfs* default_vfs = nullptr;

// What sqlite allocates for each file of this VFS: the default VFS's own file follows.
struct BufferedWal {
    sqlite3_file base;
    sqlite3_file* inner;
    std::vector<char>* pending;  // contiguous frames not yet written, from `offset`
    sqlite3_int64 offset;
};

constexpr std::size_t inner_offset = (sizeof(BufferedWal) + 15) & ~std::size_t{15};

BufferedWal& wal(sqlite3_file* file) { return *reinterpret_cast<BufferedWal*>(file); }
const sqlite3_io_methods& inner_methods(BufferedWal& f) { return *f.inner->pMethods; }

int write_out(BufferedWal& f) {
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < f.pending->size() && rc == SQLITE_OK; done += write_chunk) {
        const auto amount = std::min(write_chunk, f.pending->size() - done);
        rc = inner_methods(f).xWrite(f.inner, f.pending->data() + done, static_cast<int>(amount),
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

int close_file(sqlite3_file* file) {
    BufferedWal& f = wal(file);
    const int written = write_out(f);
    const int closed = inner_methods(f).xClose(f.inner);
    delete f.pending;
    return written != SQLITE_OK ? written : closed;
}

int read_file(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
    BufferedWal& f = wal(file);
    if (overlaps(f, offset, amount)) {
        if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    }
    return inner_methods(f).xRead(f.inner, data, amount, offset);
}

int write_file(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    BufferedWal& f = wal(file);
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

int truncate_file(sqlite3_file* file, sqlite3_int64 size) {
    BufferedWal& f = wal(file);
    if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    return inner_methods(f).xTruncate(f.inner, size);
}

int sync_file(sqlite3_file* file, int flags) {
    BufferedWal& f = wal(file);
    if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    return inner_methods(f).xSync(f.inner, flags);
}

int file_size(sqlite3_file* file, sqlite3_int64* size) {
    BufferedWal& f = wal(file);
    if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    return inner_methods(f).xFileSize(f.inner, size);
}

int file_control(sqlite3_file* file, int op, void* arg) {
    BufferedWal& f = wal(file);
    if (int rc = write_out(f); rc != SQLITE_OK) return rc;
    return inner_methods(f).xFileControl(f.inner, op, arg);
}

int lock_file(sqlite3_file* file, int level) {
    return inner_methods(wal(file)).xLock(wal(file).inner, level);
}
int unlock_file(sqlite3_file* file, int level) {
    return inner_methods(wal(file)).xUnlock(wal(file).inner, level);
}
int check_lock(sqlite3_file* file, int* locked) {
    return inner_methods(wal(file)).xCheckReservedLock(wal(file).inner, locked);
}
int sector_size(sqlite3_file* file) {
    return inner_methods(wal(file)).xSectorSize(wal(file).inner);
}
int device_characteristics(sqlite3_file* file) {
    return inner_methods(wal(file)).xDeviceCharacteristics(wal(file).inner);
}

// Version 1: a WAL file is never memory-mapped and has no shared memory of its own.
const sqlite3_io_methods buffered_wal_methods = {
    1,
    close_file,
    read_file,
    write_file,
    truncate_file,
    sync_file,
    file_size,
    lock_file,
    unlock_file,
    check_lock,
    file_control,
    sector_size,
    device_characteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    if ((flags & SQLITE_OPEN_WAL) == 0) {
        // Not a WAL: the default VFS's own file, in the (larger) space allocated for ours.
        return default_vfs->xOpen(default_vfs, name, file, flags, out_flags);
    }
    auto* inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + inner_offset);
    file->pMethods = nullptr;
    const int rc = default_vfs->xOpen(default_vfs, name, inner, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    auto* pending = new (std::nothrow) std::vector<char>();
    if (pending == nullptr) {
        inner->pMethods->xClose(inner);
        return SQLITE_NOMEM;
    }
    new (file) BufferedWal{{&buffered_wal_methods}, inner, pending, 0};
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

// A sqlite VFS that gathers a connection's writes to its write-ahead log into one write
// per commit.
//
// sqlite writes each WAL frame as two pwrite()s (a 24-byte header, then the page), so a
// commit of N pages costs 2N system calls, each one re-dirtying the kernel pages it
// straddles. Buffered here, the frames of one commit reach the file in one pwrite() just
// before the fsync() that makes them durable.
//
// Only for connections with synchronous=FULL: the buffer is written out on xSync, which
// sqlite calls at every commit in that mode before it publishes the frames to other
// connections. Reads of buffered frames, size queries, truncation and file controls
// write the buffer out first, so the connection itself always sees what it wrote. When
// the connection gives up the WAL's write lock, whatever is still buffered belongs to a
// transaction that did not commit (a rollback) and is dropped: written later, it would
// overwrite frames another process has committed at the same offsets since. Storage
// that lacks powersafe overwrite (sqlite then syncs in the middle of a commit's padding)
// is written through unbuffered. Other files are the default VFS's own; the database
// file is wrapped only to see the write lock.
#pragma once

namespace juttu::store::sqlite {

// The VFS's name for sqlite3_open_v2; registered (not as the default) on first use.
const char* wal_write_buffer_vfs();

}  // namespace juttu::store::sqlite

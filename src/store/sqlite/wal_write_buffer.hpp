// A sqlite VFS that gathers a connection's writes to its write-ahead log into one write
// per commit.
//
// sqlite writes each WAL frame as two pwrite()s (a 24-byte header, then the page), so a
// commit of N pages costs 2N system calls, each one re-dirtying the kernel pages it
// straddles. Buffered here, the frames of one commit reach the file in one pwrite() just
// before the fsync() that makes them durable.
//
// Only for connections with synchronous=FULL: the buffer is written out on xSync, which
// sqlite calls at every commit in that mode and then only publishes the frames to other
// connections. Reads, size queries, truncation and close write the buffer out first, so
// the connection itself always sees what it wrote. Every other file (the database, its
// shared-memory index) is the default VFS's own, untouched.
#pragma once

namespace juttu::store::sqlite {

// The VFS's name for sqlite3_open_v2; registered (not as the default) on first use.
const char* wal_write_buffer_vfs();

}  // namespace juttu::store::sqlite

// The search index of the messages a write transaction stored, written in one statement
// just before its COMMIT. Written row by row (a trigger per message), FTS5 as Debian's
// SQLite 3.40 has it flushes its pending terms to a new segment on disk at every
// statement journal that follows in the transaction, so a batch of a hundred messages
// wrote a hundred segments and then merged them (BENCHMARKS.md, "Search at a million
// messages"). Writer thread only. A job that changes or deletes a message stored in the
// same transaction must call index() first: the update and delete triggers (migration 12)
// remove the old terms from the index, which must hold them.
#pragma once

#include <optional>

#include "core/types.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace juttu::store::sqlite {

class MessageIndexer {
public:
    // A transaction began: what a rolled back one noted is gone with it.
    void begun() { first_.reset(); }
    // A message this transaction stored. Ids grow within a transaction, so every
    // message from the first one noted on is this transaction's.
    void stored(core::Id message_id) {
        if (!first_ || message_id < *first_) first_ = message_id;
    }
    // Indexes the messages noted, in the transaction.
    void index(Database& db);

private:
    std::optional<core::Id> first_;
};

}  // namespace juttu::store::sqlite

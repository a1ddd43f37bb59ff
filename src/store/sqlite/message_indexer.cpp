#include "store/sqlite/message_indexer.hpp"

namespace juttu::store::sqlite {

void MessageIndexer::index(Database& db) {
    if (!first_) return;
    db.prepare(
          "INSERT INTO message_search(rowid, terms) "
          "SELECT id, juttu_search_terms(body) FROM messages WHERE id >= ?")
        .bind_all(*first_)
        .run();
    first_.reset();
}

}  // namespace juttu::store::sqlite

// The inbox query: a workspace's conversations, newest activity first, with the
// console's filters and a keyset cursor.
#pragma once

#include <vector>

#include "core/types.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace juttu::store::sqlite {

std::vector<core::Conversation> list_conversations_in(Database& db,
                                                      const ConversationFilter& filter);

}  // namespace juttu::store::sqlite

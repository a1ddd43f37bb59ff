// Versioned schema migrations. Applied versions are recorded in
// schema_migrations(version, applied_at); a migration is never edited once released,
// changes go into a new one appended to the list.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "store/sqlite/sqlite_db.hpp"

namespace juttu::store::sqlite {

struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
    // For a migration that rebuilds tables (create, copy, drop, rename): the rebuilt
    // tables and those that refer to them, space-separated. It runs with foreign keys
    // off, as sqlite's ALTER TABLE procedure asks (else dropping the old table would
    // cascade to the rows that refer to it); these tables' references are checked
    // before it commits, and the WAL it filled is truncated after.
    std::string_view rebuilt_tables = {};
};

// Ordered by version, starting at 1, without gaps.
std::span<const Migration> migrations();

// The highest applied version; 0 for a new database.
int schema_version(Database& db);

// The migrations apply_migrations would apply to this database, oldest first.
std::vector<Migration> pending_migrations(Database& db);
// Applies every migration newer than the database, each in its own transaction.
// Returns how many were applied. Throws StoreError when the database is newer than
// this build or a migration fails (that migration is rolled back).
int apply_migrations(Database& db);

}  // namespace juttu::store::sqlite

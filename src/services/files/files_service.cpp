#include "services/files/files_service.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/file_type.hpp"
#include "core/validation.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

constexpr core::TimeMs unattached_lifetime_ms = 24 * 3600 * 1000;
constexpr std::size_t max_name_bytes = 255;

// The last part of a path a browser may send as the name ("C:\Users\me\photo.jpg").
std::string base_name(std::string name) {
    const auto slash = name.find_last_of("/\\");
    if (slash != std::string::npos) name.erase(0, slash + 1);
    return name;
}

core::Error not_found() { return fail(ErrorCode::not_found, "no such file"); }

std::string mebibytes(std::size_t bytes) {
    return std::to_string((bytes + 1024 * 1024 - 1) / (1024 * 1024)) + " MB";
}

}  // namespace

FilesService::FilesService(store::Store& store, BlobStore& blobs, const FileSigner& signer,
                           ImageProcessor& images, const core::Clock& clock, FileLimits limits)
    : store_(store),
      blobs_(blobs),
      signer_(signer),
      images_(images),
      clock_(clock),
      limits_(std::move(limits)) {
    if (limits_.types.empty()) limits_.types = core::default_upload_types();
}

core::Result<core::Attachment> FilesService::upload(const FileActor& uploader, std::string name,
                                                    const std::string& idempotency_key,
                                                    std::string bytes) {
    if (!core::is_valid_client_id(idempotency_key)) {
        return fail(ErrorCode::validation_failed,
                    "Idempotency-Key must be 1-64 characters of A-Z a-z 0-9 - _ . :");
    }
    name = base_name(std::move(name));
    if (auto problem = core::line_problem(name, max_name_bytes)) {
        return fail(ErrorCode::validation_failed, "name " + *problem);
    }
    // A retry gets the first upload back, whatever it sends this time.
    if (auto earlier = store_.find_uploaded_file(uploader.workspace_id, uploader.kind, uploader.id,
                                                 idempotency_key)) {
        return signed_copy(uploader.workspace_id, earlier->file);
    }
    if (bytes.size() > limits_.max_bytes) {
        auto error = fail(ErrorCode::file_too_large,
                          "the file is larger than " + mebibytes(limits_.max_bytes));
        error.max_bytes = limits_.max_bytes;
        return error;
    }
    if (bytes.empty()) return fail(ErrorCode::validation_failed, "the file is empty");
    const auto type = core::sniff_file_type(bytes);
    const auto& allowed = limits_.types;
    if (type.executable || std::find(allowed.begin(), allowed.end(), type.mime) == allowed.end()) {
        return fail(ErrorCode::file_type_not_allowed,
                    "files of type " + type.mime + " are not allowed");
    }

    store::StoredFile file;
    file.file.id = random_token("f_", 18);  // 24 characters of base64url after the prefix
    file.file.name = std::move(name);
    file.file.type = type.mime;
    file.workspace_id = uploader.workspace_id;
    file.uploader_kind = uploader.kind;
    file.uploader_id = uploader.id;
    file.idempotency_key = idempotency_key;
    file.blob_key = file.file.id;
    file.created_at = clock_.now_ms();
    std::string thumbnail_bytes;
    if (type.raster) {
        auto processed = images_.process(bytes, type.mime);
        if (!processed.ok()) return processed.error();
        auto& image = processed.value();
        bytes = std::move(image.bytes);  // nobody ever sees the uploaded bytes
        file.file.type = image.type;
        file.file.image = true;
        file.file.width = image.width;
        file.file.height = image.height;
        thumbnail_bytes = std::move(image.thumbnail);
        file.thumbnail_key = file.file.id + ".thumb";
    }
    file.file.size = static_cast<std::int64_t>(bytes.size());
    try {
        // Blobs first, then the row: a crash in between (or a store that fails) leaves an
        // unnamed blob, never a row without its bytes; remove_orphan_blobs() takes it.
        blobs_.put(file.blob_key, bytes);
        if (!thumbnail_bytes.empty()) blobs_.put(file.thumbnail_key, thumbnail_bytes);
    } catch (const BlobError&) {
        return fail(ErrorCode::unavailable, "the file could not be stored");
    }
    const auto creation = store_.create_file(file);
    if (!creation.created) {  // a retry raced this upload and won: ours goes
        try {
            blobs_.remove(file.blob_key);
            if (!file.thumbnail_key.empty()) blobs_.remove(file.thumbnail_key);
        } catch (const BlobError&) {
        }
    }
    return signed_copy(uploader.workspace_id, creation.file.file);
}

std::optional<FileActor> FilesService::visitor(std::string_view site_key,
                                               std::string_view contact_token) {
    if (site_key.empty() || site_key.size() > 200 || contact_token.empty() ||
        contact_token.size() > 200) {
        return std::nullopt;
    }
    auto site = store_.find_site_by_key(std::string(site_key));
    if (!site) return std::nullopt;
    auto contact = store_.find_contact_by_token(site->workspace_id, sha256_hex(contact_token));
    if (!contact) return std::nullopt;
    return FileActor{core::AuthorKind::visitor, site->workspace_id, contact->id};
}

core::Attachment FilesService::signed_copy(core::Id workspace_id,
                                           core::Attachment attachment) const {
    std::vector<core::Attachment> one{std::move(attachment)};
    sign(workspace_id, one);
    return std::move(one.front());
}

void FilesService::sign(core::Id workspace_id, std::vector<core::Attachment>& attachments) const {
    // Expiry rounded up to the hour, so that a client's cache sees the same URL for a while.
    const std::int64_t now_s = clock_.now_ms() / 1000;
    const std::int64_t expires_s = (now_s / 3600 + 1) * 3600 + url_lifetime_s;
    for (auto& attachment : attachments) {
        attachment.url = signer_.url(workspace_id, attachment.id, original, expires_s);
        if (attachment.image) {
            attachment.thumbnail_url =
                signer_.url(workspace_id, attachment.id, thumbnail, expires_s);
        }
    }
}

core::Result<FileDownload> FilesService::download_signed(core::Id workspace_id,
                                                         const std::string& file_id,
                                                         std::string_view variant,
                                                         std::int64_t expires_s,
                                                         std::string_view signature) {
    if (expires_s * 1000 < clock_.now_ms() ||
        !signer_.verify(workspace_id, file_id, variant, expires_s, signature)) {
        return fail(ErrorCode::not_found, "no such file, or the link has expired");
    }
    auto file = store_.find_file(workspace_id, file_id);
    if (!file) return not_found();
    return read(*file, variant);
}

core::Result<FileDownload> FilesService::download_as(const FileActor& reader, core::Id workspace_id,
                                                     const std::string& file_id,
                                                     std::string_view variant) {
    if (reader.workspace_id != workspace_id) return not_found();
    auto file = store_.find_file(workspace_id, file_id);
    if (!file || !may_read(reader, *file)) return not_found();
    return read(*file, variant);
}

// Agents read their workspace's files; a visitor their own uploads and the files of their
// conversations.
bool FilesService::may_read(const FileActor& reader, const store::StoredFile& file) {
    if (reader.kind == core::AuthorKind::agent) return true;
    if (file.uploader_kind == reader.kind && file.uploader_id == reader.id) return true;
    if (!file.conversation_id) return false;
    auto conversation = store_.find_conversation(file.workspace_id, *file.conversation_id);
    return conversation && conversation->contact_id == reader.id;
}

core::Result<FileDownload> FilesService::read(const store::StoredFile& file,
                                              std::string_view variant) {
    const bool wants_thumbnail = variant == thumbnail;
    if (!wants_thumbnail && variant != original) return not_found();
    if (wants_thumbnail && file.thumbnail_key.empty()) return not_found();
    std::optional<std::string> bytes;
    try {
        bytes = blobs_.get(wants_thumbnail ? file.thumbnail_key : file.blob_key);
    } catch (const BlobError&) {
        return fail(ErrorCode::unavailable, "the file could not be read");
    }
    if (!bytes) return fail(ErrorCode::unavailable, "the file's bytes are missing");
    FileDownload download;
    download.type = file.file.type;
    if (wants_thumbnail) download.type = core::sniff_file_type(*bytes).mime;
    download.bytes = std::move(*bytes);
    download.name = file.file.name;
    download.inline_ok = file.file.image;
    return download;
}

std::size_t FilesService::sweep() {
    const auto gone = store_.delete_unattached_files(clock_.now_ms() - unattached_lifetime_ms, 100);
    for (const auto& file : gone) {
        blobs_.remove(file.blob_key);
        if (!file.thumbnail_key.empty()) blobs_.remove(file.thumbnail_key);
    }
    return gone.size();
}

FilesService::OrphanSweep FilesService::remove_orphan_blobs(std::size_t max_orphans) {
    constexpr std::string_view thumbnail_suffix = ".thumb";
    OrphanSweep result;
    std::vector<std::string> orphans;
    // Keys are file ids, or a file id and ".thumb" (upload()); the store is asked in
    // batches, so that memory stays small however many blobs there are.
    std::vector<std::string> keys;
    std::vector<std::string> ids;
    const auto check = [&] {
        const auto missing = store_.missing_files(ids);
        const std::unordered_set<std::string> gone(missing.begin(), missing.end());
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (!gone.contains(ids[i])) continue;
            ++result.found;
            if (orphans.size() <= max_orphans) orphans.push_back(keys[i]);
        }
        keys.clear();
        ids.clear();
    };
    blobs_.for_each_key([&](const std::string& key) {
        if (!key.starts_with("f_")) return;  // not the files service's: left alone
        std::string id = key;
        if (id.ends_with(thumbnail_suffix)) id.resize(id.size() - thumbnail_suffix.size());
        keys.push_back(key);
        ids.push_back(std::move(id));
        if (keys.size() == 500) check();
    });
    check();
    if (result.found > max_orphans) return result;
    for (const auto& key : orphans) blobs_.remove(key);
    result.removed = orphans.size();
    return result;
}

}  // namespace juttu::services

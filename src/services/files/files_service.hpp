// Attachments: uploads checked on their bytes, images cleaned, blobs before rows, signed
// URLs for readers, downloads for those who may read, and the sweep of files never sent.
//
// The delivery contract for files: upload() answers only after the blob(s) and then the
// row are durable, so a row never names a missing blob; a message takes files in its own
// transaction (store::NewMessage::attachment_ids), so an acknowledged message never
// points at a missing file; a retried upload with the same idempotency key returns the
// first file. The sweep deletes the row before the blobs, for the same reason; the
// blobs a crash leaves without a row go at the next start (remove_orphan_blobs).
//
// Thread-safe. Every method but sign() blocks (store, disk, libvips): call them off the
// event loops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/files/blob_store.hpp"
#include "services/files/file_signer.hpp"
#include "services/files/image_processor.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct FileLimits {
    std::size_t max_bytes = 20 * 1024 * 1024;
    std::size_t max_attachments = 10;  // per message
    std::vector<std::string> types;    // allowed MIME types (core::default_upload_types())
};

// Who uploads or reads: a visitor (id = contact id) or an agent (id = agent id).
struct FileActor {
    core::AuthorKind kind = core::AuthorKind::visitor;
    core::Id workspace_id = 0;
    core::Id id = 0;
};

struct FileDownload {
    std::string bytes;
    std::string type;
    std::string name;
    bool inline_ok = false;  // a raster image: may be shown inline; all else is an attachment
};

class FilesService {
public:
    static constexpr std::string_view original = "original";
    static constexpr std::string_view thumbnail = "thumbnail";
    static constexpr std::int64_t url_lifetime_s = 24 * 3600;

    FilesService(store::Store& store, BlobStore& blobs, const FileSigner& signer,
                 ImageProcessor& images, const core::Clock& clock, FileLimits limits);

    // Errors: file_too_large, file_type_not_allowed, validation_failed (name, key, empty,
    // an unreadable image), unavailable (disk or store).
    core::Result<core::Attachment> upload(const FileActor& uploader, std::string name,
                                          const std::string& idempotency_key, std::string bytes);
    // The file behind a signed URL; not_found for a bad or expired signature.
    core::Result<FileDownload> download_signed(core::Id workspace_id, const std::string& file_id,
                                               std::string_view variant, std::int64_t expires_s,
                                               std::string_view signature);
    // The file for a reader who says who they are (an Authorization header).
    core::Result<FileDownload> download_as(const FileActor& reader, core::Id workspace_id,
                                           const std::string& file_id, std::string_view variant);
    // The visitor whose widget holds this site key and contact token (the welcome's).
    std::optional<FileActor> visitor(std::string_view site_key, std::string_view contact_token);
    // Fills the attachments' URLs for a reader of their conversation.
    void sign(core::Id workspace_id, std::vector<core::Attachment>& attachments) const;
    // Deletes files that no message took within a day; returns how many went.
    std::size_t sweep();

    struct OrphanSweep {
        std::size_t found = 0;    // blobs no file row names
        std::size_t removed = 0;  // 0 when more than the limit were found
    };
    // Removes blobs that no file row names: a crash between a blob's put and its row's
    // commit, or between the sweep's delete of a row and of its blobs, leaves them. Call
    // it before uploads are taken (an upload in flight has such a blob for a moment).
    // A crash leaves at most a few hundred; more than `max_orphans` is something else (a
    // database restored from an older copy, say), and then nothing is removed.
    OrphanSweep remove_orphan_blobs(std::size_t max_orphans = 1000);

    const FileLimits& limits() const { return limits_; }

private:
    core::Result<FileDownload> read(const store::StoredFile& file, std::string_view variant);
    bool may_read(const FileActor& reader, const store::StoredFile& file);
    core::Attachment signed_copy(core::Id workspace_id, core::Attachment attachment) const;

    store::Store& store_;
    BlobStore& blobs_;
    const FileSigner& signer_;
    ImageProcessor& images_;
    const core::Clock& clock_;
    FileLimits limits_;
};

}  // namespace juttu::services

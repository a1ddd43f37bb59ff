// Raster images through libvips: decoded within a pixel limit (a small file can claim
// gigapixels: a decompression bomb), turned upright by their EXIF orientation, re-encoded
// without any metadata (EXIF, GPS location, XMP, ICC comments) and thumbnailed.
//
// Thread-safety: process() may be called from any thread; at most `concurrency` images
// are decoded at once, the other callers wait for a turn. It blocks: call it off the event
// loops. Errors are values: a failing libvips never throws out of here.
#pragma once

#include <cstdint>
#include <semaphore>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace juttu::services {

struct ProcessedImage {
    std::string bytes;  // the image as served, in `type`
    std::string type;
    int width = 0;
    int height = 0;
    std::string thumbnail;  // JPEG, or PNG when the image has transparency
    std::string thumbnail_type;
};

class ImageProcessor {
public:
    struct Limits {
        std::int64_t max_pixels = 50'000'000;
        int thumbnail_size = 320;  // the longer side
    };

    explicit ImageProcessor(Limits limits);

    // `type` is the sniffed type (image/png, image/jpeg, image/gif, image/webp).
    core::Result<ProcessedImage> process(std::string_view bytes, const std::string& type);

private:
    Limits limits_;
    std::counting_semaphore<2> turns_{2};
};

// Starts libvips once per process (later calls do nothing); throws when it cannot.
void init_image_library();

}  // namespace juttu::services

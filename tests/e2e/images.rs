//! Test images: PNGs made in memory, one that barely compresses (its size follows its
//! dimensions) and one that compresses well.

use std::io::Cursor;

fn encode(img: image::RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// A PNG of noise (about 3 bytes per pixel).
pub fn noise_png(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 0x2545_f491;
    encode(image::RgbImage::from_fn(width, height, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [r, g, b, _] = seed.to_le_bytes();
        image::Rgb([r, g, b])
    }))
}

/// A small-file PNG of gradients.
pub fn gradient_png(width: u32, height: u32) -> Vec<u8> {
    encode(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    }))
}

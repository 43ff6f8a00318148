const MAX_SIDE = 1600;

/**
 * A photo as a JPEG data URL, scaled down so its longer side is at most 1600 px: a phone camera's 12-megapixel
 * picture becomes a few hundred kilobytes, well under the API's 5 MB, and uploads on a weak signal.
 */
export async function photoDataUrl(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot prepare photos');
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.85);
}

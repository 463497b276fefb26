import { defineMessage } from '../diagnostic';

/** Messages about opening and decoding input files. */
export const ioMessages = {
  notFound: defineMessage('io.not-found', 'error', 'Check the path; relative paths are resolved from the current folder.', () => ({
    message: 'file not found',
  })),
  notAFile: defineMessage('io.not-a-file', 'error', 'Pass a regular file, not a folder or device.', () => ({
    message: 'not a regular file',
  })),
  unreadable: defineMessage('io.unreadable', 'error', 'Check the file permissions.', (reason: string) => ({
    message: `cannot read file: ${reason}`,
  })),
  cannotWrite: defineMessage('io.cannot-write', 'error', 'Check that the output folder exists and is writable, and that the disk is not full.', (reason: string) => ({
    message: `cannot write output: ${reason}`,
    expected: 'a writable file in an existing folder',
    found: reason,
  })),
  outputNotRegular: defineMessage(
    'io.output-not-regular',
    'error',
    'gmemlab writes regular files only and never replaces anything else (it writes a temporary file and renames it over the target, which would turn a device or FIFO into a plain file). Pass a path that is a regular file or does not exist yet; to send output to a pipe or device, leave out -o and redirect stdout where the command prints its output. A symlink is followed: its final target must be a regular file or absent.',
    (kind: string, linkTarget?: string) => ({
      message: `output path is ${kind}${linkTarget !== undefined ? ` (the final target of the symlink is ${linkTarget})` : ''}; refusing to replace it`,
      expected: 'a regular file or a path that does not exist yet',
      found: kind,
    }),
    ['a FIFO (named pipe)'],
  ),
  outputFolderNotFolder: defineMessage(
    'io.output-folder-not-folder',
    'error',
    'The output folder option names a folder to write files into: pass a folder, or a path that does not exist yet (it is created).',
    (kind: string) => ({
      message: `output folder path is ${kind}`,
      expected: 'a folder or a path that does not exist yet',
      found: kind,
    }),
    ['a regular file'],
  ),
  gzipCorrupt: defineMessage('io.gzip-corrupt', 'error', 'The gzip stream is damaged or truncated (the offset is in the decompressed content); re-export or re-download it, and check it with `gzip -t`.', (reason: string) => ({
    message: 'gzip data is corrupt or truncated',
    expected: 'a complete gzip stream',
    found: reason,
  })),
  gzipBomb: defineMessage(
    'io.gzip-bomb',
    'error',
    'The file expands far more than real traces do (the limit is 200 × its compressed size + 256 MiB), as a zip bomb would; nothing was written. If the file is genuine, raise the limit for one command (`GMEMLAB_MAX_GUNZIP_BYTES=64GiB gmemlab import …`) or decompress it yourself first.',
    (limitBytes: number, compressedBytes: number) => ({
      message: 'gzip input expands beyond the decompression limit (offset in the decompressed content); refusing to continue',
      expected: `at most ${limitBytes} decompressed bytes`,
      found: `more than that from ${compressedBytes} compressed bytes (over ${Math.floor(limitBytes / Math.max(1, compressedBytes))}:1)`,
    }),
    [268435456, 65536],
  ),
} as const;

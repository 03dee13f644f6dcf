package org.deqlab.core.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One run at a time in a run's folder. Two processes writing one {@code run.jsonl} tear its lines
 * and lose steps, and a new run silently replacing a finished one loses that run; so a run claims
 * its folder before any work: an operating-system lock on {@value #FILE} (released by the kernel on
 * any exit, {@code kill -9} included), with the owner's pid and start time written in it so a
 * refusal can say who holds it. A lock file that still names an owner but is not locked was left by
 * a process that died: it is stale and taken over, with a note. Claiming also proves the folder is
 * writable, before the engine starts.
 */
public final class RunFolderLock implements AutoCloseable {
  /** The lock file in a run's folder. */
  public static final String FILE = ".run.lock";

  /** What a run may do with a folder that already holds a run. */
  public enum Reuse {
    /** Refuse a folder that holds a run's log or checkpoints. */
    NEW,
    /** Delete the run there first (its log and checkpoints). */
    OVERWRITE,
    /** Continue the run there from its last checkpoint, appending to its log. */
    RESUME
  }

  private final FileChannel channel;
  private final FileLock lock;
  private final String staleNote;

  private RunFolderLock(FileChannel channel, FileLock lock, String staleNote) {
    this.channel = channel;
    this.lock = lock;
    this.staleNote = staleNote;
  }

  /** The folder this lock created, removed again if a refused run leaves nothing else in it. */
  private Path createdFolder;

  /**
   * Creates {@code folder} if needed and locks it for this process.
   *
   * @throws IllegalArgumentException naming the folder when it cannot be written, another run holds
   *     it, or it holds a run that {@code reuse} does not allow to touch
   */
  public static RunFolderLock claim(Path folder, Reuse reuse) {
    boolean created = !Files.exists(folder);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot write the run folder " + folder + ": " + reason(e), e);
    }
    Path file = folder.resolve(FILE);
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot write the run folder " + folder + ": " + reason(e), e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this process holds it already
      }
      String owner = read(channel);
      if (lock == null) {
        throw new IllegalArgumentException(
            folder
                + " is in use by another run"
                + (owner.isEmpty() ? "" : " (" + owner + ")")
                + "; wait for it to finish, stop it, or choose another folder");
      }
      String staleNote =
          owner.isEmpty() ? null : "took over the stale lock of a run that is gone (" + owner + ")";
      checkReuse(folder, reuse);
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + ", started " + Instant.now())
                  .getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(true);
      RunFolderLock claimed = new RunFolderLock(channel, lock, staleNote);
      claimed.createdFolder = created ? folder : null;
      return claimed;
    } catch (IOException | RuntimeException e) {
      try {
        channel.close(); // releases the lock, if taken
      } catch (IOException ignored) {
        // nothing held
      }
      if (e instanceof IOException io) {
        throw new IllegalArgumentException(
            "cannot write the run folder " + folder + ": " + reason(io), e);
      }
      throw (RuntimeException) e;
    }
  }

  /** A note when a dead run's lock was taken over, for the user to see. */
  public Optional<String> staleNote() {
    return Optional.ofNullable(staleNote);
  }

  private static void checkReuse(Path folder, Reuse reuse) throws IOException {
    boolean hasRun = Files.exists(folder.resolve(ExperimentRun.LOG)) || hasCheckpoints(folder);
    switch (reuse) {
      case NEW -> {
        if (hasRun) {
          throw new IllegalArgumentException(
              folder
                  + " already holds a run; --overwrite replaces it, --resume "
                  + folder
                  + " continues it, or choose another folder");
        }
      }
      case RESUME -> {
        if (!Files.isRegularFile(folder.resolve(ExperimentRun.LAST_CHECKPOINT))) {
          throw new IllegalArgumentException(
              "cannot resume: "
                  + folder
                  + " has no "
                  + ExperimentRun.LAST_CHECKPOINT
                  + " (no run has checkpointed there)");
        }
      }
      case OVERWRITE -> {
        try (DirectoryStream<Path> old = Files.newDirectoryStream(folder, "*.{ckpt,partial}")) {
          for (Path path : old) {
            Files.deleteIfExists(path);
          }
        }
        Files.deleteIfExists(folder.resolve(ExperimentRun.LOG));
      }
    }
  }

  private static boolean hasCheckpoints(Path folder) throws IOException {
    try (DirectoryStream<Path> checkpoints = Files.newDirectoryStream(folder, "*.ckpt")) {
      return checkpoints.iterator().hasNext();
    }
  }

  private static String read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(256);
    int count = channel.read(buffer, 0);
    return count <= 0 ? "" : new String(buffer.array(), 0, count, StandardCharsets.UTF_8).trim();
  }

  /**
   * The cause of a file-system failure in words: the system's reason ("No space left on device",
   * "Read-only file system") or what kind of failure it was.
   */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** Empties the lock file (a clean exit leaves no owner named) and releases the lock. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
    } catch (IOException ignored) {
      // the lock is released below all the same
    }
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // closing the channel releases the lock; the kernel does at exit in any case
    }
  }

  /**
   * Releases the lock of a run refused before it wrote anything: a folder this lock created is
   * removed again, so a refusal leaves no empty run folder behind.
   */
  public void abandon() {
    close();
    if (createdFolder == null) {
      return;
    }
    try (java.util.stream.Stream<Path> entries = Files.list(createdFolder)) {
      if (entries.allMatch(path -> path.getFileName().toString().equals(FILE))) {
        Files.deleteIfExists(createdFolder.resolve(FILE));
        Files.deleteIfExists(createdFolder);
      }
    } catch (IOException ignored) {
      // an empty folder left behind loses nothing
    }
  }
}

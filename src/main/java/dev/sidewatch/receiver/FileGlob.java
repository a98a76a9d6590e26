package dev.sidewatch.receiver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a {@code receivers.files[].path} glob matches (Java {@link PathMatcher} glob syntax:
 * {@code *}, {@code **}, {@code ?}, {@code [a-z]}, {@code {a,b}}), found by walking from the longest
 * directory prefix without glob characters, only as deep as the pattern can reach. Symbolic links to
 * files count as the files (Kubernetes' {@code /var/log/containers/*.log} are links). A directory that
 * does not exist yet matches nothing. Blocking; thread-safe.
 */
final class FileGlob {
    private final Path base;
    private final int depth;
    private final PathMatcher matcher;
    private final String pattern;

    FileGlob(String glob) {
        Path absolute = Path.of(glob).isAbsolute() ? Path.of(glob) : Path.of("").toAbsolutePath().resolve(glob);
        this.pattern = absolute.normalize().toString();
        this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path root = absolute.getRoot();
        Path fixed = root;
        int i = 0;
        int names = absolute.getNameCount();
        for (; i < names - 1; i++) {
            String part = absolute.getName(i).toString();
            if (hasGlobChars(part)) break;
            fixed = fixed.resolve(part);
        }
        this.base = fixed.normalize();
        boolean recursive = false;
        for (int j = i; j < names; j++) recursive |= absolute.getName(j).toString().contains("**");
        this.depth = recursive ? Integer.MAX_VALUE : names - i;
    }

    String pattern() {
        return pattern;
    }

    /** The regular files (or links to them) matching now, sorted by path. */
    List<Path> matches() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base, depth)) {
            walk.forEach(p -> {
                if (matcher.matches(p) && Files.isRegularFile(p)) out.add(p);
            });
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        } catch (UncheckedIOException e) {
            // a directory vanished or became unreadable during the walk: take what was found
            if (!(e.getCause() instanceof NoSuchFileException) && !(e.getCause() instanceof java.nio.file.AccessDeniedException)) {
                throw e.getCause();
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean hasGlobChars(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') return true;
        }
        return false;
    }
}

package dev.sidewatch.exporter.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {
    @TempDir
    Path dir;

    private final List<SegmentLog.Damage> damage = new ArrayList<>();
    private final List<SegmentLog> opened = new ArrayList<>();

    @AfterEach
    void release() {
        opened.forEach(SegmentLog::release);
    }

    private SegmentLog open(long maxBytes, long segmentBytes) throws IOException {
        var log = new SegmentLog(dir, maxBytes, segmentBytes, damage::add);
        opened.add(log);
        log.open();
        return log;
    }

    /** Simulates kill -9: the files stay as they are, only the lock goes. */
    private void crash(SegmentLog log) {
        log.release();
        opened.remove(log);
    }

    private static byte[] record(int i) {
        return ("record-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    }

    private static void append(SegmentLog log, int from, int to) throws IOException {
        log.beginBatch();
        for (int i = from; i < to; i++) {
            byte[] r = record(i);
            log.append(r, r.length);
        }
        log.commit();
    }

    private static List<String> readAll(SegmentLog log) throws Exception {
        List<String> out = new ArrayList<>();
        while (true) {
            SegmentLog.Batch batch = log.read(7, Long.MAX_VALUE, 0);
            if (batch.isEmpty()) return out;
            for (byte[] p : batch.payloads()) out.add(new String(p, StandardCharsets.UTF_8));
            log.acknowledge(batch.end(), batch.payloads().size(), batch.recordBytes());
        }
    }

    private static List<String> expected(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(new String(record(i), StandardCharsets.UTF_8));
        return out;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void recordsAreReadOnlyAfterCommit_inOrder_acrossSegments() throws Exception {
        SegmentLog log = open(1 << 20, 1024);
        log.beginBatch();
        byte[] r = record(0);
        log.append(r, r.length);
        assertThat(log.read(10, Long.MAX_VALUE, 0).isEmpty()).as("not committed yet").isTrue();
        log.commit();
        append(log, 1, 40);
        append(log, 40, 100); // rolls to new segments along the way
        assertThat(segmentFiles().size()).isGreaterThan(1);
        assertThat(log.unackedEvents()).isEqualTo(100);
        assertThat(readAll(log)).containsExactlyElementsOf(expected(0, 100));
        assertThat(log.unackedEvents()).isZero();
        assertThat(log.unackedBytes()).isZero();
        assertThat(damage).isEmpty();
    }

    @Test
    void confirmedSegmentsAreDeleted_andTheBudgetFreed() throws Exception {
        SegmentLog log = open(1 << 20, 512);
        for (int b = 0; b < 10; b++) append(log, b * 10, b * 10 + 10);
        int before = segmentFiles().size();
        long diskBefore = log.diskBytes();
        assertThat(before).isGreaterThan(3);
        readAll(log);
        assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(1); // only the one still open for writing
        assertThat(log.diskBytes()).isLessThan(diskBefore);
    }

    @Test
    void reopen_afterACrash_returnsExactlyTheUnconfirmedRecords() throws Exception {
        SegmentLog log = open(1 << 20, 2048);
        append(log, 0, 50);
        SegmentLog.Batch first = log.read(20, Long.MAX_VALUE, 0);
        log.acknowledge(first.end(), first.payloads().size(), first.recordBytes());
        SegmentLog.Batch second = log.read(20, Long.MAX_VALUE, 0);
        log.markSent(second.end()); // sent, never confirmed
        crash(log);

        SegmentLog again = new SegmentLog(dir, 1 << 20, 2048, damage::add);
        opened.add(again);
        SegmentLog.Recovery recovery = again.open();
        assertThat(recovery.events()).isEqualTo(30);
        assertThat(recovery.maybeDelivered()).as("the sent but unconfirmed batch").isEqualTo(20);
        assertThat(readAll(again)).containsExactlyElementsOf(expected(20, 50));
        append(again, 50, 60);
        assertThat(readAll(again)).containsExactlyElementsOf(expected(50, 60));
        assertThat(damage).isEmpty();
    }

    @Test
    void tornTail_isSkippedAndReportedOnce_theRecordsBeforeItKept() throws Exception {
        SegmentLog log = open(1 << 20, 1 << 20);
        append(log, 0, 10);
        crash(log);
        Path segment = segmentFiles().getLast();
        long size = Files.size(segment);
        try (var file = new RandomAccessFile(segment.toFile(), "rw")) {
            // a record header and half its payload: what a crash in the middle of a write leaves
            file.seek(size);
            file.writeInt(SegmentLog.RECORD_MAGIC);
            file.writeInt(100);
            file.writeInt(12345);
            file.write(new byte[40]);
        }
        SegmentLog again = open(1 << 20, 1 << 20);
        assertThat(damage).hasSize(1);
        assertThat(damage.getFirst().tail()).isTrue();
        assertThat(damage.getFirst().from()).isEqualTo(size);
        assertThat(readAll(again)).containsExactlyElementsOf(expected(0, 10));
        append(again, 10, 15);
        assertThat(readAll(again)).containsExactlyElementsOf(expected(10, 15));
        assertThat(damage).as("reported once, not again when read").hasSize(1);
    }

    @Test
    void damageInTheMiddle_skipsOnlyTheDamagedRecord() throws Exception {
        SegmentLog log = open(1 << 20, 1 << 20);
        append(log, 0, 20);
        crash(log);
        Path segment = segmentFiles().getLast();
        byte[] bytes = Files.readAllBytes(segment);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("record-7-");
        bytes[at + 3] ^= 0x20; // one flipped bit inside record 7's payload
        Files.write(segment, bytes);

        SegmentLog again = open(1 << 20, 1 << 20);
        List<String> want = expected(0, 20);
        want.remove(7);
        assertThat(readAll(again)).containsExactlyElementsOf(want);
        assertThat(damage).hasSize(1);
        assertThat(damage.getFirst().tail()).isFalse();
    }

    @Test
    void damagedHeaderAndLength_resynchronisesOnTheNextGoodRecord() throws Exception {
        SegmentLog log = open(1 << 20, 1 << 20);
        append(log, 0, 20);
        crash(log);
        Path segment = segmentFiles().getLast();
        byte[] bytes = Files.readAllBytes(segment);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("record-3-") - SegmentLog.RECORD_HEADER;
        // record 3's length field says 2 GB and record 4's magic is gone
        bytes[at + 4] = 0x7F;
        int at4 = text.indexOf("record-4-") - SegmentLog.RECORD_HEADER;
        bytes[at4] = 0;
        Files.write(segment, bytes);

        SegmentLog again = open(1 << 20, 1 << 20);
        List<String> want = expected(0, 20);
        want.remove(4);
        want.remove(3);
        assertThat(readAll(again)).containsExactlyElementsOf(want);
        assertThat(damage).hasSize(1);
    }

    @Test
    void budget_hasRoomUntilMaxBytes_thenAgainAfterConfirmation() throws Exception {
        SegmentLog log = open(8 * 1024, 1024);
        log.beginBatch();
        int n = 0;
        byte[] r = new byte[100];
        while (log.hasRoom(SegmentLog.recordBytes(r.length))) {
            if (n % 5 == 0) {
                log.commit();
                log.beginBatch();
            }
            log.append(r, r.length);
            n++;
        }
        log.commit();
        assertThat(log.diskBytes()).isLessThanOrEqualTo(8 * 1024);
        assertThat(n).isGreaterThan(40);
        assertThat(log.awaitRoom(SegmentLog.recordBytes(r.length), 0)).isFalse();
        SegmentLog.Batch batch = log.read(30, Long.MAX_VALUE, 0);
        log.acknowledge(batch.end(), batch.payloads().size(), batch.recordBytes());
        assertThat(log.hasRoom(SegmentLog.recordBytes(r.length))).isTrue();
    }

    @Test
    void budget_whenEverythingIsConfirmedTheWriteSegmentIsReclaimed() throws Exception {
        SegmentLog log = open(4 * 1024, 64 * 1024); // one segment would hold more than the budget
        byte[] r = new byte[500];
        log.beginBatch();
        while (log.hasRoom(SegmentLog.recordBytes(r.length))) log.append(r, r.length);
        log.commit();
        readAll(log);
        assertThat(log.hasRoom(SegmentLog.recordBytes(r.length))).isFalse();
        assertThat(log.awaitRoom(SegmentLog.recordBytes(r.length), 0)).isTrue();
        assertThat(log.hasRoom(SegmentLog.recordBytes(r.length))).isTrue();
    }

    @Test
    void damagedAckFile_isReported_andEverythingIsSentAgain() throws Exception {
        SegmentLog log = open(1 << 20, 1 << 20);
        append(log, 0, 10);
        SegmentLog.Batch batch = log.read(5, Long.MAX_VALUE, 0);
        log.acknowledge(batch.end(), 5, batch.recordBytes());
        crash(log);
        Files.write(dir.resolve("ack"), new byte[]{1, 2, 3});
        SegmentLog again = new SegmentLog(dir, 1 << 20, 1 << 20, damage::add);
        opened.add(again);
        SegmentLog.Recovery recovery = again.open();
        assertThat(recovery.ackProblem()).contains("ack file");
        assertThat(readAll(again)).containsExactlyElementsOf(expected(0, 10));
    }

    @Test
    void aSecondProcessCannotUseTheSameDirectory() throws Exception {
        open(1 << 20, 1 << 20);
        assertThatThrownBy(() -> new SegmentLog(dir, 1 << 20, 1 << 20, damage::add).open())
                .hasMessageContaining("in use by another sidewatch process");
    }
}

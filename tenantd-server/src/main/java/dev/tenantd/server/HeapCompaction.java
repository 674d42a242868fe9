package dev.tenantd.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full collection at the end of start-up that also gives the Java heap's free space back to
 * the system. Start-up (migrations, configuration, the runtime's code cache, the first isolates)
 * touches some 50 MB of the Java heap, of which about 15 MB stays live; after a full collection
 * the collector keeps up to {@code MaxHeapFreeRatio} (70 %) of the heap free, so on its own most
 * of it would stay resident. For this one collection the free share is lowered to
 * {@value #MAX_FREE_PERCENT} %, then set back: how the heap grows and shrinks under load stays
 * the JVM's default. Ratios an operator set on the command line are left as they are.
 */
final class HeapCompaction {
    private static final Logger LOG = LoggerFactory.getLogger(HeapCompaction.class);
    static final int MIN_FREE_PERCENT = 10;
    static final int MAX_FREE_PERCENT = 30;

    /** Committed heap before and after, in bytes. */
    record Result(long committedBefore, long committedAfter) {
    }

    private HeapCompaction() {
    }

    static Result compact() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = memory.getHeapMemoryUsage().getCommitted();
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption min = vm.getVMOption("MinHeapFreeRatio");
        VMOption max = vm.getVMOption("MaxHeapFreeRatio");
        boolean lowered = false;
        if (min.getOrigin() == VMOption.Origin.DEFAULT && max.getOrigin() == VMOption.Origin.DEFAULT) {
            try {
                // The minimum first: it may never exceed the maximum.
                vm.setVMOption("MinHeapFreeRatio", Integer.toString(MIN_FREE_PERCENT));
                vm.setVMOption("MaxHeapFreeRatio", Integer.toString(MAX_FREE_PERCENT));
                lowered = true;
            } catch (RuntimeException e) {
                LOG.debug("heap free ratios not settable here: {}", e.toString());
            }
        }
        try {
            System.gc();
        } finally {
            if (lowered) {
                vm.setVMOption("MaxHeapFreeRatio", max.getValue());
                vm.setVMOption("MinHeapFreeRatio", min.getValue());
            }
        }
        long after = memory.getHeapMemoryUsage().getCommitted();
        LOG.debug("start-up compaction: Java heap committed {} MB -> {} MB", before >> 20, after >> 20);
        return new Result(before, after);
    }
}

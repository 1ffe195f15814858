package dev.dntme.gateway.cloak.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RowsTest {

    private static final float[][] ROWS = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};

    @Test
    void stackedRowsSplitBackIntoTheSameRows() {
        float[] flat = Rows.stack(ROWS);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, flat);
        float[][] back = Rows.split(flat, 3);
        for (int i = 0; i < ROWS.length; i++) {
            assertArrayEquals(ROWS[i], back[i]);
        }
    }

    @Test
    void pickedRowsAreStackedInThePickedOrder() {
        assertArrayEquals(new float[] {7, 8, 9, 1, 2, 3}, Rows.stack(ROWS, List.of(2, 0)));
    }
}

package dev.tenantd.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tags} query filter of script lists and bulk deletes:
 * {@code tags=customer-1:yes,free:no} keeps scripts that have every {@code yes}
 * tag and none of the {@code no} tags.
 */
record TagFilter(List<String> required, List<String> excluded) {
    /** More terms than any script can carry tags (8) twice over make no sense and only cost the store. */
    static final int MAX_TERMS = 16;

    static TagFilter parse(String query) {
        List<String> yes = new ArrayList<>();
        List<String> no = new ArrayList<>();
        if (query != null && !query.isBlank()) {
            String[] terms = query.split(",");
            if (terms.length > MAX_TERMS) {
                throw new ApiError(400, 10014, "Tag filter has " + terms.length + " terms; at most " + MAX_TERMS
                        + " are allowed (a script carries at most 8 tags).");
            }
            for (String term : terms) {
                int colon = term.lastIndexOf(':');
                String tag = colon < 0 ? "" : term.substring(0, colon).strip();
                String want = colon < 0 ? "" : term.substring(colon + 1).strip();
                if (tag.isEmpty() || !(want.equals("yes") || want.equals("no"))) {
                    throw new ApiError(400, 10014, "Tag filter '" + term + "' is not valid: use tag:yes or tag:no, "
                            + "separated by commas (e.g. ?tags=customer-1:yes,free:no).");
                }
                (want.equals("yes") ? yes : no).add(tag);
            }
        }
        return new TagFilter(yes, no);
    }
}

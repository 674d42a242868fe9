package dev.tenantd.platform.d1;

/** The engine tests' catalogue keeps the catalogue contract too. */
class MemoryD1CatalogueTest extends D1CatalogueContract {
    private final MemoryD1Catalogue catalogue = new MemoryD1Catalogue();

    @Override
    protected D1Catalogue catalogue() {
        return catalogue;
    }

    @Override
    protected D1Catalogue reopen() {
        return catalogue;
    }
}

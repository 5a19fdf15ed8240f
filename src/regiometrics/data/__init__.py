"""Panel data: readers, validated entity/time index, panel operators, filters, spatial weights."""

{#- Values of a column lie in [min_value, max_value] (either bound optional). Nulls pass. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} is not null
  and not (
    1 = 1
    {%- if min_value is not none %}
    and {{ column_name }} {{ '>=' if inclusive else '>' }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    and {{ column_name }} {{ '<=' if inclusive else '<' }} {{ max_value }}
    {%- endif %}
  )
{% endtest %}

"""The HTTP layer, split by job; it knows no resource, no lifecycle and no Pulumi.

``transport`` (one untrusted attempt), ``retry`` (the one loop, the one set of retryable
statuses), ``auth`` (IMS), ``answers`` (reading answers and errors), ``paging`` (bounded
listing), ``creates`` (held ids, the server's clock, the lost-create proof as a pure function),
``sender`` (the request function) and ``client`` (one method per operation). Importing this
package imports none of them.
"""

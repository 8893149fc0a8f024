"""The error codes AWS uses for "slow down" (SageMaker, CloudTrail, S3 and the generic ones): the exporter and the
capture helpers retry these with backoff, and nothing else."""

THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
    }
)

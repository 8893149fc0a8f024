"""A SageMaker Pipelines step after the dataset-assembly step that records the dataset's sources with
`lineage_capture`. Uses the SageMaker Python SDK's `@step` decorator (sagemaker >= 2.194); the step's image needs
this distribution installed (`requirements.txt` with `lineage-export-sagemaker @ <wheel or path>`).

    assemble = ProcessingStep(name="AssembleDataset", ...)   # writes the "train" output
    record = record_sources(
        assemble.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
        feature_versions,   # ParameterString: '[{"feature_group_arn": "...", "version": "2027-W10"}, ...]'
        exclusion_list,     # ParameterString: '{"uri": "s3://policy/exclusions.csv", "version": "v14"}'
    )
    train = TrainingStep(name="Train", ..., depends_on=[record])   # train only on a dataset whose sources are recorded
"""

from sagemaker.workflow.function_step import step


@step(name="RecordDatasetSources", instance_type="ml.t3.medium", dependencies="requirements.txt", keep_alive_period_in_seconds=0)
def record_sources(dataset_uri: str, feature_store_versions: str, exclusion_list: str) -> dict:
    from lineage_capture import record_sources_step

    return record_sources_step(dataset_uri, feature_store_versions, exclusion_list)

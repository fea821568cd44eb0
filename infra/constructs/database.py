"""Aurora PostgreSQL Serverless v2 with IAM authentication, a rotated admin secret, and (production) RDS Proxy.

Production: functions reach the cluster through RDS Proxy with IAM tokens; the proxy alone holds the
admin password, so a rotation never leaves a warm container with a stale one.
Household: no proxy (it is billed at an 8-ACU minimum and would keep the cluster from pausing); the
writer scales to 0 ACU and pauses when idle, and the functions, outside any VPC, reach it over TLS as
an IAM-authenticated role that the migration creates. The rotation schedule depends on the migration,
so the first rotation can never race the first schema upgrade.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from infra import constants
from infra.constructs.network import Network
from infra.nag import acknowledge, acknowledge_template_warning

PUBLIC_WRITER_REASON = (
    "Household profile: functions run outside the VPC (no NAT gateway), so the writer accepts "
    "PostgreSQL from any address; rds.force_ssl=1 requires TLS, the functions log in with 15-minute "
    "IAM tokens, and the admin password is 30 random characters rotated every 30 days."
)


class Database(Construct):
    """The cluster, its admin secret and how the functions connect (endpoint, user, IAM grant)."""

    def __init__(self, scope: Construct, id: str, *, network: Network, profile: constants.Profile) -> None:
        super().__init__(scope, id)
        self._network = network
        self._profile = profile
        vpc = network.vpc
        self.cluster_security_group = ec2.SecurityGroup(
            self, "ClusterSg", vpc=vpc, description="Aurora cluster", allow_all_outbound=False
        )
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            engine=rds.DatabaseClusterEngine.aurora_postgres(
                version=rds.AuroraPostgresEngineVersion.VER_16_11
            ),
            credentials=rds.Credentials.from_generated_secret(constants.DB_ADMIN_USER),
            default_database_name=constants.DB_NAME,
            writer=rds.ClusterInstance.serverless_v2(
                "Writer",
                enable_performance_insights=profile.db_performance_insights,
                publicly_accessible=not profile.functions_in_vpc,
            ),
            serverless_v2_min_capacity=profile.db_min_acu,
            serverless_v2_max_capacity=profile.db_max_acu,
            serverless_v2_auto_pause_duration=(
                Duration.minutes(profile.db_auto_pause_minutes) if profile.db_auto_pause_minutes else None
            ),
            parameters={"rds.force_ssl": "1"},
            vpc=vpc,
            vpc_subnets=network.isolated_subnets if profile.functions_in_vpc else network.public_subnets,
            security_groups=[self.cluster_security_group],
            port=constants.DB_PORT,
            storage_encrypted=True,
            iam_authentication=True,
            deletion_protection=profile.deletion_protection,
            backup=rds.BackupProps(retention=Duration.days(constants.DB_BACKUP_RETENTION_DAYS)),
            cluster_identifier=constants.DB_CLUSTER_ID,
            cloudwatch_logs_exports=["postgresql"],
            removal_policy=RemovalPolicy.DESTROY if profile.destroy_on_delete else RemovalPolicy.SNAPSHOT,
        )
        # The exported PostgreSQL log lands in a group named after the cluster; creating it first, with a
        # retention, keeps RDS from creating one that keeps logs forever.
        self.cluster.node.add_dependency(
            self._log_group("PostgresLogs", f"/aws/rds/cluster/{constants.DB_CLUSTER_ID}/postgresql")
        )
        assert self.cluster.secret is not None
        self.secret = self.cluster.secret
        self.proxy: rds.DatabaseProxy | None = None
        if profile.rds_proxy:
            self._add_proxy()
            self.endpoint = self.proxy.endpoint  # type: ignore[union-attr]
            self.app_user = constants.DB_ADMIN_USER
        else:
            self._open_to_the_internet_over_tls()
            self.endpoint = self.cluster.cluster_endpoint.hostname
            self.app_user = constants.DB_APP_USER
        self._acknowledge_cluster_findings()

    def _log_group(self, id: str, name: str) -> logs.LogGroup:
        return logs.LogGroup(
            self,
            id,
            log_group_name=name,
            retention=self._profile.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )

    @property
    def app_role_to_create(self) -> str | None:
        """The IAM role the migration creates when the functions connect to the cluster directly."""
        return None if self._profile.rds_proxy else self.app_user

    def _add_proxy(self) -> None:
        self.proxy_security_group = ec2.SecurityGroup(
            self,
            "ProxySg",
            vpc=self._network.vpc,
            description="RDS Proxy: FoodSave functions only",
            allow_all_outbound=False,
        )
        self.cluster_security_group.add_ingress_rule(
            self.proxy_security_group, ec2.Port.tcp(constants.DB_PORT), "RDS Proxy to Aurora"
        )
        self.proxy_security_group.add_egress_rule(
            self.cluster_security_group, ec2.Port.tcp(constants.DB_PORT), "RDS Proxy to Aurora"
        )
        self.proxy = self.cluster.add_proxy(
            "Proxy",
            secrets=[self.secret],
            vpc=self._network.vpc,
            vpc_subnets=self._network.private_subnets,
            security_groups=[self.proxy_security_group],
            require_tls=True,
            iam_auth=True,
            idle_client_timeout=Duration.minutes(30),
            max_connections_percent=90,
        )

    def _open_to_the_internet_over_tls(self) -> None:
        """Lambda functions outside a VPC have no fixed address: the port is open, TLS and IAM guard it."""
        self.cluster_security_group.add_ingress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(constants.DB_PORT), "FoodSave functions (TLS + IAM auth)"
        )
        acknowledge(self.cluster_security_group, "EC23", PUBLIC_WRITER_REASON)
        acknowledge_template_warning(self.cluster_security_group, "W2508", PUBLIC_WRITER_REASON)
        acknowledge_template_warning(self.cluster, "W9011", PUBLIC_WRITER_REASON)

    def _acknowledge_cluster_findings(self) -> None:
        if not self._profile.deletion_protection:
            acknowledge(
                self.cluster,
                "RDS10",
                "Household profile: a failed first deploy must roll back cleanly and `make destroy` must "
                "remove everything; the profile keeps 7 days of automated backups instead.",
            )
        acknowledge(
            self.cluster,
            "RDS11",
            "The cluster only accepts TLS connections (rds.force_ssl=1) and IAM or rotated-secret logins; "
            "RDS Proxy for PostgreSQL listens on 5432 regardless, so a non-default port would add nothing.",
        )

    def allow_from(self, peer: ec2.ISecurityGroup) -> None:
        """Open the proxy to a client security group (production functions and migration)."""
        if self.proxy is not None:
            self.proxy_security_group.add_ingress_rule(
                peer, ec2.Port.tcp(constants.DB_PORT), "FoodSave functions"
            )

    def grant_connect(self, grantee: iam.IGrantable) -> None:
        """`rds-db:connect` as the application user, on the proxy or on the cluster."""
        if self.proxy is not None:
            self.proxy.grant_connect(grantee, self.app_user)
        else:
            self.cluster.grant_connect(grantee, self.app_user)

    def connection_environment(self) -> dict[str, str]:
        """What a function needs to open an IAM-authenticated connection."""
        return {
            "FOODSAVE_DB_HOST": self.endpoint,
            "FOODSAVE_DB_NAME": constants.DB_NAME,
            "FOODSAVE_DB_IAM_USER": self.app_user,
            "FOODSAVE_DB_CONNECT_TIMEOUT": str(self._profile.db_connect_timeout_seconds),
        }

    def rotate_after(self, migration: IConstruct) -> secretsmanager.RotationSchedule:
        """Rotate the admin secret every 30 days, starting only once the migration has finished."""
        function_name = f"{Stack.of(self).stack_name}-db-rotation"
        log_group = self._log_group("RotationLogs", f"/aws/lambda/{function_name}")
        if self._profile.functions_in_vpc:
            rotation_sg = ec2.SecurityGroup(
                self, "RotationSg", vpc=self._network.vpc, description="Secret rotation function"
            )
            self.cluster_security_group.add_ingress_rule(
                rotation_sg, ec2.Port.tcp(constants.DB_PORT), "Secret rotation"
            )
            hosted = secretsmanager.HostedRotation.postgre_sql_single_user(
                function_name=function_name,
                vpc=self._network.vpc,
                vpc_subnets=self._network.private_subnets,
                security_groups=[rotation_sg],
            )
        else:
            hosted = secretsmanager.HostedRotation.postgre_sql_single_user(function_name=function_name)
        # Created beside the cluster (not under its secret), so that depending on the cluster does not
        # mean depending on the rotation, which itself waits for the migration.
        schedule = secretsmanager.RotationSchedule(
            self,
            "Rotation",
            secret=self.secret,
            hosted_rotation=hosted,
            automatically_after=Duration.days(constants.DB_ROTATION_DAYS),
        )
        schedule.node.add_dependency(migration)
        schedule.node.add_dependency(log_group)
        return schedule

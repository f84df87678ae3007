-- Up Migration
-- Code lists every installation starts with: district departments (with the precedence that
-- decides which one's value is kept when two disagree) and the kinds of department facts.
INSERT INTO department (code, name, precedence) VALUES
  ('PUBLIC_SECURITY', '公安分局', 300),
  ('CIVIL_AFFAIRS', '民政局', 200),
  ('HRSS', '人力资源和社会保障局', 200),
  ('HEALTH', '卫生健康局', 150),
  ('EDUCATION', '教育局', 150),
  ('HOUSING', '住房和城乡建设局', 150),
  ('NATURAL_RESOURCES', '自然资源局', 150),
  ('URBAN_MANAGEMENT', '城市管理局', 100),
  ('EMERGENCY', '应急管理局', 100),
  ('ENVIRONMENT', '生态环境分局', 100),
  ('TRANSPORT', '交通运输局', 100),
  ('MARKET_REGULATION', '市场监督管理局', 100),
  ('WATER', '水利局', 100),
  ('STREET_OFFICE', '街道办事处', 120),
  ('COMMUNITY', '社区居委会', 110);

INSERT INTO fact_kind (code, name, department_code) VALUES
  ('MINIMUM_LIVING', '最低生活保障（低保）', 'CIVIL_AFFAIRS'),
  ('EXTREME_POVERTY', '特困人员供养', 'CIVIL_AFFAIRS'),
  ('DISABILITY', '残疾', 'CIVIL_AFFAIRS'),
  ('CHRONIC_DISEASE', '慢性病', 'HEALTH'),
  ('PENSION_INSURANCE', '养老保险参保', 'HRSS'),
  ('MEDICAL_INSURANCE', '医疗保险参保', 'HRSS'),
  ('UNEMPLOYED', '登记失业', 'HRSS'),
  ('MILITARY_VETERAN', '退役军人', 'CIVIL_AFFAIRS'),
  ('LEFT_BEHIND_ELDERLY', '留守老人', 'CIVIL_AFFAIRS'),
  ('LEFT_BEHIND_CHILD', '留守儿童', 'CIVIL_AFFAIRS');

-- Down Migration
DELETE FROM fact_kind;
DELETE FROM department;
